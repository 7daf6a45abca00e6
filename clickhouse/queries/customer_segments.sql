-- Customers by RFM segment and tenure band (as of the latest month with sales): count, share, orders and value.
SELECT
    rfm_segment,
    tenure_band,
    count()                                                        AS customers,
    round(100 * customers / sum(customers) OVER (), 1)             AS customer_share_pct,
    round(avg(orders), 2)                                          AS mean_orders,
    round(avg(toFloat64(lifetime_value)), 2)                       AS mean_ltv,
    sum(lifetime_value)                                            AS revenue
FROM customer_lifetime
GROUP BY rfm_segment, tenure_band
ORDER BY revenue DESC, rfm_segment, tenure_band
