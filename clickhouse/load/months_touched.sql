-- Months (YYYYMM) of every date a month's staged facts use, so dim_date can cover them all. toDate32:
-- toDate wraps a timestamp after 2149-06-06 into another year (9999-12-31 became 2105-01-05).
SELECT arraySort(groupUniqArray(toYYYYMM(d))) AS months
FROM
(
    SELECT sale_date AS d FROM ${sales}
    UNION ALL SELECT business_date FROM ${sales}
    UNION ALL SELECT toDate32(assumeNotNull(approved_at)) FROM ${sales} WHERE approved_at IS NOT NULL
    UNION ALL SELECT toDate32(assumeNotNull(delivered_at)) FROM ${sales} WHERE delivered_at IS NOT NULL
    UNION ALL SELECT toDate32(assumeNotNull(estimated_delivery_at)) FROM ${sales} WHERE estimated_delivery_at IS NOT NULL
    UNION ALL SELECT business_date FROM ${payments}
);
