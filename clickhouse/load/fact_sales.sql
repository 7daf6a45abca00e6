-- The month's staged order lines -> fact_sales. Each line takes its customer's and product's
-- attributes from the export of its own business date (customers.csv lists the customers of the
-- day's orders; products.csv is the day's catalogue). A delta export (header-only, or lacking a
-- member the warehouse knows) leaves a line to the member's latest earlier export: the month's
-- snapshots and those of the other months the warehouse holds when the month is loaded; 'unknown'
-- only for a member no export has named. ANY joins: a line never multiplies. Staged money is
-- integer cents: exact.
-- Delivery measures are computed here from the base columns.
--
-- Versions: the raw month holds the days' export rows (no updated_at, change_batch '') and the
-- rows of change batches that touch the month, each staged under the business date of the line it
-- changes. One row per (business_date, order line) comes out: the export row, unless changes of
-- that line exist, then the latest of them by (updated_at, change_batch), which is how batches are
-- compared when applied. A change replaces a line of its day's export and never adds one: a change
-- of a line the export no longer holds is left out, so a day's row count is its export's.
INSERT INTO ${target} (business_date, sale_date, order_id, order_item_id, customer_id, customer_unique_id, customer_state,
                       product_id, product_category, seller_id, order_status, purchased_at, approved_at, delivered_at,
                       estimated_delivery_at, delivery_days, is_late, price, freight_value, line_total, source_line,
                       updated_at, change_batch)
SELECT
    toDate(o.business_date),
    toDate(o.order_purchase_timestamp),
    o.order_id,
    o.order_item_id,
    o.customer_id,
    if(c.customer_id != '', c.customer_unique_id, kc.customer_unique_id),
    if(c.customer_id != '', c.customer_state, if(kc.customer_id != '', kc.state, 'unknown')),
    o.product_id,
    if(p.product_id != '', ifNull(p.product_category_name, 'unknown'), if(kp.product_id != '', kp.category, 'unknown')),
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
    o.source_line,
    ifNull(o.updated_at, toDateTime64(0, 3, 'UTC')),   -- an export row has no version (see migration 0010)
    o.change_batch
FROM
(
    SELECT * FROM ${orders}
    WHERE change_batch = ''
      AND (business_date, order_id, order_item_id) NOT IN (SELECT business_date, order_id, order_item_id FROM ${orders} WHERE change_batch != '')
    UNION ALL
    SELECT * FROM
    (
        SELECT * FROM ${orders}
        WHERE change_batch != ''
          -- the changed lines its export holds (both sets are as small as the month's changes)
          AND (business_date, order_id, order_item_id) IN (SELECT business_date, order_id, order_item_id FROM ${orders} WHERE change_batch = ''
                          AND (business_date, order_id, order_item_id) IN (SELECT business_date, order_id, order_item_id FROM ${orders} WHERE change_batch != ''))
        ORDER BY updated_at DESC, change_batch DESC
        LIMIT 1 BY business_date, order_id, order_item_id
    )
) AS o
ANY LEFT JOIN ${customers} AS c ON c.customer_id = o.customer_id AND c.business_date = o.business_date
ANY LEFT JOIN ${products} AS p ON p.product_id = o.product_id AND p.business_date = o.business_date
-- The latest export of each member on or before the line's business date (used where the day's lacks it).
ANY LEFT JOIN
(
    SELECT d.customer_id AS customer_id, d.day AS day, argMax(k.customer_unique_id, k.business_date) AS customer_unique_id, argMax(k.state, k.business_date) AS state
    FROM (SELECT DISTINCT customer_id, toDate(business_date) AS day FROM ${orders}) AS d
    INNER JOIN
    (
        SELECT customer_id, business_date, customer_unique_id, state FROM ${customer_snapshots}
        UNION ALL
        SELECT customer_id, business_date, customer_unique_id, state FROM ${every_month_customer_snapshots} WHERE toYYYYMM(business_date) != {month:UInt32}
    ) AS k ON k.customer_id = d.customer_id
    WHERE k.business_date <= d.day
    GROUP BY d.customer_id, d.day
) AS kc ON kc.customer_id = o.customer_id AND kc.day = toDate(o.business_date)
ANY LEFT JOIN
(
    SELECT d.product_id AS product_id, d.day AS day, argMax(k.category, k.business_date) AS category
    FROM (SELECT DISTINCT product_id, toDate(business_date) AS day FROM ${orders}) AS d
    INNER JOIN
    (
        SELECT product_id, business_date, category FROM ${product_snapshots}
        UNION ALL
        SELECT product_id, business_date, category FROM ${every_month_product_snapshots} WHERE toYYYYMM(business_date) != {month:UInt32}
    ) AS k ON k.product_id = d.product_id
    WHERE k.business_date <= d.day
    GROUP BY d.product_id, d.day
) AS kp ON kp.product_id = o.product_id AND kp.day = toDate(o.business_date)
SETTINGS join_use_nulls = 0;
