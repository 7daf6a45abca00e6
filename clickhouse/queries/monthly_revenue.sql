-- Revenue, orders, buyers and average order value per month of purchase, and growth on the month before.
SELECT
    sale_month,
    orders,
    buyers,
    revenue,
    round(toFloat64(revenue) / orders, 2) AS avg_order_value,
    if(previous = 0, NULL, round(100 * (toFloat64(revenue) / previous - 1), 1)) AS revenue_growth_pct
FROM
(
    SELECT
        sale_month,
        orders,
        buyers,
        revenue,
        lagInFrame(toFloat64(revenue), 1, 0) OVER (ORDER BY sale_month ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS previous
    FROM
    (
        SELECT sale_month, sum(orders) AS orders, sum(customers) AS buyers, sum(revenue) AS revenue
        FROM agg_monthly_sales
        GROUP BY sale_month
    )
)
ORDER BY sale_month
