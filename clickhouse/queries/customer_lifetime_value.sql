-- Customer lifetime value by cohort (month of first purchase): buyers, mean, median and 90th percentile value, repeat buyers.
SELECT
    cohort_month,
    count()                                              AS customers,
    round(avg(toFloat64(lifetime_value)), 2)             AS mean_ltv,
    quantileExact(0.5)(lifetime_value)                   AS median_ltv,
    quantileExact(0.9)(lifetime_value)                   AS p90_ltv,
    round(100 * countIf(orders > 1) / customers, 1)      AS repeat_buyer_pct,
    sum(lifetime_value)                                  AS revenue
FROM customer_lifetime
GROUP BY cohort_month
ORDER BY cohort_month
