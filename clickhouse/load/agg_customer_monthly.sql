-- One row per person and month of purchase. Lines whose customer was missing from the day's
-- export have no person ('' customer_unique_id) and are left out: they count in the sales
-- aggregates, not in lifetime value.
INSERT INTO ${target} (business_month, customer_unique_id, sale_month, orders, order_lines, revenue, first_purchase_at, last_purchase_at)
SELECT
    toStartOfMonth(business_date) AS business_month,
    customer_unique_id,
    toStartOfMonth(sale_date) AS sale_month,
    uniqExact(order_id),
    count(),
    sum(line_total),
    min(purchased_at),
    max(purchased_at)
FROM ${sales}
WHERE customer_unique_id != ''
GROUP BY business_month, customer_unique_id, sale_month;
