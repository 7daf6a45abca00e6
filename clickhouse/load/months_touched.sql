-- Months (YYYYMM) of every date a month's staged facts use, so dim_date can cover them all.
SELECT arraySort(groupUniqArray(toYYYYMM(d))) AS months
FROM
(
    SELECT toDate(purchased_at) AS d FROM ${source}
    UNION ALL SELECT toDate(assumeNotNull(delivered_at)) FROM ${source} WHERE delivered_at IS NOT NULL
    UNION ALL SELECT toDate(assumeNotNull(estimated_delivery_at)) FROM ${source} WHERE estimated_delivery_at IS NOT NULL
    UNION ALL SELECT business_date FROM ${source}
);
