-- Delivery performance by customer state over the last 90 days of purchases: delivered orders, late share and mean days to deliver.
WITH (SELECT max(sale_date) FROM agg_delivery) AS last_day
SELECT
    state,
    sum(orders)                                                    AS orders,
    sum(delivered_orders)                                          AS delivered,
    sum(late_orders)                                               AS late,
    round(100 * late / nullIf(delivered, 0), 1)                    AS late_pct,
    round(sum(delivery_days) / nullIf(delivered, 0), 1)            AS mean_delivery_days,
    max(max_delivery_days)                                         AS max_delivery_days,
    sum(canceled_orders)                                           AS canceled
FROM agg_delivery
WHERE sale_date > last_day - 90
GROUP BY state
ORDER BY orders DESC, state
