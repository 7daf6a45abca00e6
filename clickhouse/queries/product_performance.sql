-- The 20 best-selling products by revenue in the latest month with sales: category, price band, size class, units and share of their category.
WITH (SELECT max(sale_month) FROM agg_product_monthly) AS last_month
SELECT
    m.product_id                                                   AS product_id,
    m.category                                                     AS category,
    any(p.price_band)                                              AS price_band,
    any(p.size_class)                                              AS size_class,
    sum(m.order_lines)                                             AS units,
    sum(m.orders)                                                  AS orders,
    sum(m.revenue)                                                 AS revenue,
    round(toFloat64(sum(m.items_revenue)) / units, 2)              AS mean_unit_price,
    round(100 * toFloat64(revenue) / sum(toFloat64(revenue)) OVER (PARTITION BY category), 1) AS share_of_category_pct
FROM agg_product_monthly AS m
LEFT JOIN dim_product AS p ON p.product_id = m.product_id
WHERE m.sale_month = last_month
GROUP BY m.product_id, m.category
ORDER BY revenue DESC, product_id
LIMIT 20
