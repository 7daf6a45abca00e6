-- Daily sales of one month, computed from that month's staged fact_sales: swapped in together, so
-- the aggregate always equals its facts.
INSERT INTO ${target} (business_date, sale_date, orders, order_lines, items_revenue, freight, revenue)
SELECT
    business_date,
    toDate(purchased_at) AS sale_date,
    uniqExact(order_id),
    count(),
    sum(price),
    sum(freight_value),
    sum(line_total)
FROM ${source}
GROUP BY business_date, sale_date;
