-- Staged order lines -> fact_sales rows of one month. Staged money is integer cents: exact.
INSERT INTO ${target} (order_id, order_item_id, customer_id, product_id, seller_id, order_status, purchased_at,
                       approved_at, delivered_at, estimated_delivery_at, price, freight_value, line_total,
                       business_date, source_line)
SELECT
    order_id,
    order_item_id,
    customer_id,
    product_id,
    seller_id,
    order_status,
    order_purchase_timestamp,
    order_approved_at,
    order_delivered_customer_date,
    order_estimated_delivery_date,
    toDecimal64(price, 2) / 100,
    toDecimal64(freight_value, 2) / 100,
    toDecimal64(line_total_cents, 2) / 100,
    toDate(business_date),
    source_line
FROM ${source};
