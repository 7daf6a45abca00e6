-- Monthly revenue, orders and distinct customers (average order value = revenue / orders).
INSERT INTO ${target} (business_month, sale_month, orders, order_lines, customers, items_revenue, freight, revenue)
SELECT
    toStartOfMonth(business_date) AS business_month,
    toStartOfMonth(sale_date) AS sale_month,
    uniqExact(order_id),
    count(),
    uniqExactIf(customer_unique_id, customer_unique_id != ''),
    sum(price),
    sum(freight_value),
    sum(line_total)
FROM ${sales}
GROUP BY business_month, sale_month;
