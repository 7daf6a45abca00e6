-- Revenue by the region a customer lived in when ordering (type-2 dim_customer, point-in-time), beside what moved since.
SELECT
    region_at_order,
    count()                                                  AS order_lines,
    uniqExact(business_date, order_id)                       AS orders,
    sum(line_total)                                          AS revenue,
    sumIf(line_total, region_now != region_at_order)         AS revenue_of_customers_living_elsewhere_now
FROM
(
    SELECT
        s.business_date                                      AS business_date,
        s.order_id                                           AS order_id,
        s.line_total                                         AS line_total,
        if(c.customer_id = '', 'unknown', c.region)          AS region_at_order,
        if(n.customer_id = '', 'unknown', n.region)          AS region_now
    FROM fact_sales AS s
    ASOF LEFT JOIN dim_customer AS c ON c.customer_id = s.customer_id AND s.business_date >= c.valid_from
    LEFT JOIN dim_customer_current AS n ON n.customer_id = s.customer_id
)
GROUP BY region_at_order
ORDER BY revenue DESC, region_at_order
SETTINGS join_use_nulls = 0
