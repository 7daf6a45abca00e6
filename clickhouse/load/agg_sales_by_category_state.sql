-- Daily sales by product category and customer state (both as exported on the day of the sale).
INSERT INTO ${target} (business_date, sale_date, category, state, orders, order_lines, items_revenue, freight, revenue)
SELECT
    business_date,
    sale_date,
    product_category,
    customer_state,
    uniqExact(order_id),
    count(),
    sum(price),
    sum(freight_value),
    sum(line_total)
FROM ${sales}
GROUP BY business_date, sale_date, product_category, customer_state;
