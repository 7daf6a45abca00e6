-- Product performance per month of purchase, by the category the product had on the day it sold.
INSERT INTO ${target} (business_month, sale_month, product_id, category, orders, order_lines, items_revenue, freight, revenue,
                       min_price, max_price)
SELECT
    toStartOfMonth(business_date) AS business_month,
    toStartOfMonth(sale_date) AS sale_month,
    product_id,
    product_category,
    uniqExact(order_id),
    count(),
    sum(price),
    sum(freight_value),
    sum(line_total),
    min(price),
    max(price)
FROM ${sales}
GROUP BY business_month, sale_month, product_id, product_category;
