-- Delivery performance at order grain: an order's status and dates repeat on each of its lines,
-- so each order is reduced to its first line's values (deterministic, unlike any()).
INSERT INTO ${target} (business_date, sale_date, state, orders, delivered_orders, late_orders, canceled_orders, delivery_days,
                       max_delivery_days)
SELECT
    business_date,
    sale_date,
    state,
    count(),
    countIf(days IS NOT NULL),
    countIf(late),
    countIf(status = 'canceled'),
    sum(ifNull(days, 0)),
    max(ifNull(days, 0))
FROM
(
    SELECT
        business_date,
        order_id,
        argMin(sale_date, order_item_id)       AS sale_date,
        argMin(customer_state, order_item_id)  AS state,
        argMin(order_status, order_item_id)    AS status,
        argMin(delivery_days, order_item_id)   AS days,
        argMin(is_late, order_item_id)         AS late
    FROM ${sales}
    GROUP BY business_date, order_id
)
GROUP BY business_date, sale_date, state;
