-- Sales per day over the last 31 days with data: orders, order lines, buyers, revenue and average order value.
SELECT
    a.sale_date                                    AS sale_date,
    any(d.weekday_name)                            AS weekday,
    sum(a.orders)                                  AS orders,
    sum(a.order_lines)                             AS order_lines,
    sum(a.customers)                               AS buyers,
    sum(a.revenue)                                 AS revenue,
    round(toFloat64(revenue) / orders, 2)          AS avg_order_value
FROM agg_daily_sales AS a
LEFT JOIN dim_date AS d ON d.date = a.sale_date
WHERE a.sale_date > (SELECT max(sale_date) FROM agg_daily_sales) - 31
GROUP BY a.sale_date
ORDER BY a.sale_date
