-- Months (YYYYMM) of every date a month's staged facts use, so dim_date can cover them all.
SELECT arraySort(groupUniqArray(toYYYYMM(d))) AS months
FROM
(
    SELECT sale_date AS d FROM ${sales}
    UNION ALL SELECT business_date FROM ${sales}
    UNION ALL SELECT toDate(assumeNotNull(approved_at)) FROM ${sales} WHERE approved_at IS NOT NULL
    UNION ALL SELECT toDate(assumeNotNull(delivered_at)) FROM ${sales} WHERE delivered_at IS NOT NULL
    UNION ALL SELECT toDate(assumeNotNull(estimated_delivery_at)) FROM ${sales} WHERE estimated_delivery_at IS NOT NULL
    UNION ALL SELECT business_date FROM ${payments}
);
