-- The month's staged order lines -> fact_sales. Each line takes its customer's and product's
-- attributes from the export of its own business date (customers.csv lists exactly the customers
-- of the day's orders; products.csv is the day's catalogue), so a month's facts depend on that
-- month's files alone. ANY joins: a line never multiplies. Staged money is integer cents: exact.
-- Delivery measures are computed here from the base columns.
INSERT INTO ${target} (business_date, sale_date, order_id, order_item_id, customer_id, customer_unique_id, customer_state,
                       product_id, product_category, seller_id, order_status, purchased_at, approved_at, delivered_at,
                       estimated_delivery_at, delivery_days, is_late, price, freight_value, line_total, source_line)
SELECT
    toDate(o.business_date),
    toDate(o.order_purchase_timestamp),
    o.order_id,
    o.order_item_id,
    o.customer_id,
    c.customer_unique_id,
    if(c.customer_id = '', 'unknown', c.customer_state),
    o.product_id,
    if(p.product_id = '', 'unknown', ifNull(p.product_category_name, 'unknown')),
    o.seller_id,
    o.order_status,
    o.order_purchase_timestamp,
    o.order_approved_at,
    o.order_delivered_customer_date,
    o.order_estimated_delivery_date,
    CAST(dateDiff('day', toDate(o.order_purchase_timestamp), toDate(o.order_delivered_customer_date)) AS Nullable(Int16)),
    CAST(toDate(o.order_delivered_customer_date) > toDate(o.order_estimated_delivery_date) AS Nullable(Bool)),
    toDecimal64(o.price, 2) / 100,
    toDecimal64(o.freight_value, 2) / 100,
    toDecimal64(o.line_total_cents, 2) / 100,
    o.source_line
FROM ${orders} AS o
ANY LEFT JOIN ${customers} AS c ON c.customer_id = o.customer_id AND c.business_date = o.business_date
ANY LEFT JOIN ${products} AS p ON p.product_id = o.product_id AND p.business_date = o.business_date
SETTINGS join_use_nulls = 0;
