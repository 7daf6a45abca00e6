-- Cohort retention: of the buyers whose first purchase fell in a month, how many bought again N months later.
SELECT
    l.cohort_month                                              AS cohort_month,
    toUInt32(dateDiff('month', l.cohort_month, m.sale_month))   AS months_later,
    uniqExact(m.customer_unique_id)                             AS active_customers,
    any(c.cohort_size)                                          AS cohort_size,
    round(100 * active_customers / cohort_size, 1)              AS retention_pct
FROM agg_customer_monthly AS m
INNER JOIN (SELECT customer_unique_id, cohort_month FROM customer_lifetime) AS l ON l.customer_unique_id = m.customer_unique_id
INNER JOIN (SELECT cohort_month, count() AS cohort_size FROM customer_lifetime GROUP BY cohort_month) AS c ON c.cohort_month = l.cohort_month
GROUP BY cohort_month, months_later
ORDER BY cohort_month, months_later
