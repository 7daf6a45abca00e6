-- The 20 largest product category x customer state pairs by revenue over the last 30 days with data.
WITH (SELECT max(sale_date) FROM agg_sales_by_category_state) AS last_day
SELECT
    category,
    state,
    sum(orders)                                                AS orders,
    sum(order_lines)                                           AS order_lines,
    sum(revenue)                                               AS revenue,
    round(100 * toFloat64(revenue) / sum(toFloat64(revenue)) OVER (), 2) AS revenue_share_pct
FROM agg_sales_by_category_state
WHERE sale_date > last_day - 30
GROUP BY category, state
ORDER BY revenue DESC, category, state
LIMIT 20
