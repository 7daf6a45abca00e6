-- Daily sales of one month, from that month's staged fact_sales: swapped in together with it.
INSERT INTO ${target} (business_date, sale_date, orders, order_lines, customers, items_revenue, freight, revenue)
SELECT
    business_date,
    sale_date,
    uniqExact(order_id),
    count(),
    uniqExactIf(customer_unique_id, customer_unique_id != ''),
    sum(price),
    sum(freight_value),
    sum(line_total)
FROM ${sales}
GROUP BY business_date, sale_date;
