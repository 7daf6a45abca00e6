-- The seven aggregates become materialized views (issue 14). A view fires on INSERT, not on a
-- partition swap, so each is attached to the load's staging facts (fact_sales__load,
-- fact_payments__load): the load's INSERT into them builds the month's aggregate states in
-- agg_*_state__load, and the load swaps those in with REPLACE PARTITION right after their facts.
--
--   fact_sales__load ─agg_X_mv─▶ agg_X_state__load ─REPLACE PARTITION─▶ agg_X_state ◀─ agg_X (view)
--
-- A view sees one inserted block at a time, not the whole month, so it cannot write final values:
-- distinct counts do not add up across blocks. It writes aggregate states (AggregatingMergeTree:
-- uniqExact states, sums and extremes as SimpleAggregateFunction) and agg_X, a plain view with the
-- old table's name and columns, merges them; queries and analysts read agg_X as before.
-- agg_delivery works at order grain (an order's lines may be in different blocks): its state keeps
-- each order's first line (argMin by order_item_id) and the view counts orders from it.
-- customer_lifetime stays a plain view over agg_customer_monthly: it spans every month, and a view
-- is current the moment a month is swapped (a refreshable view would lag until its next refresh).
--
-- Upgrade: the old agg_* tables are dropped and the states rebuilt from the facts already loaded,
-- through the views themselves. Each statement converges when the migration is applied again.

DROP TABLE IF EXISTS agg_daily_sales;
DROP TABLE IF EXISTS agg_sales_by_category_state;
DROP TABLE IF EXISTS agg_monthly_sales;
DROP TABLE IF EXISTS agg_customer_monthly;
DROP TABLE IF EXISTS agg_product_monthly;
DROP TABLE IF EXISTS agg_payment_mix;
DROP TABLE IF EXISTS agg_delivery;

-- ---------------------------------------------------------------------------------------------
-- States: partitioned like their facts. sum() of Decimal(12, 2) is a Decimal(38, 2) state; the
-- views cast back to the Decimal(18, 2) the tables had.
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE TABLE agg_daily_sales_state
(
    business_date  Date,
    sale_date      Date,
    orders         AggregateFunction(uniqExact, String),
    order_lines    SimpleAggregateFunction(sum, UInt64),
    customers      AggregateFunction(uniqExactIf, String, UInt8),
    items_revenue  SimpleAggregateFunction(sum, Decimal(38, 2)),
    freight        SimpleAggregateFunction(sum, Decimal(38, 2)),
    revenue        SimpleAggregateFunction(sum, Decimal(38, 2))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(business_date)
ORDER BY (sale_date, business_date);

CREATE OR REPLACE TABLE agg_sales_by_category_state_state
(
    business_date  Date,
    sale_date      Date,
    category       LowCardinality(String),
    state          LowCardinality(String),
    orders         AggregateFunction(uniqExact, String),
    order_lines    SimpleAggregateFunction(sum, UInt64),
    items_revenue  SimpleAggregateFunction(sum, Decimal(38, 2)),
    freight        SimpleAggregateFunction(sum, Decimal(38, 2)),
    revenue        SimpleAggregateFunction(sum, Decimal(38, 2))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(business_date)
ORDER BY (sale_date, category, state, business_date);

CREATE OR REPLACE TABLE agg_monthly_sales_state
(
    business_month  Date,
    sale_month      Date,
    orders          AggregateFunction(uniqExact, String),
    order_lines     SimpleAggregateFunction(sum, UInt64),
    customers       AggregateFunction(uniqExactIf, String, UInt8),
    items_revenue   SimpleAggregateFunction(sum, Decimal(38, 2)),
    freight         SimpleAggregateFunction(sum, Decimal(38, 2)),
    revenue         SimpleAggregateFunction(sum, Decimal(38, 2))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(business_month)
ORDER BY (sale_month, business_month);

CREATE OR REPLACE TABLE agg_customer_monthly_state
(
    business_month      Date,
    customer_unique_id  String CODEC(ZSTD(1)),
    sale_month          Date,
    orders              AggregateFunction(uniqExact, String),
    order_lines         SimpleAggregateFunction(sum, UInt64),
    revenue             SimpleAggregateFunction(sum, Decimal(38, 2)),
    first_purchase_at   SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_purchase_at    SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(business_month)
ORDER BY (customer_unique_id, sale_month, business_month);

CREATE OR REPLACE TABLE agg_product_monthly_state
(
    business_month  Date,
    sale_month      Date,
    product_id      String CODEC(ZSTD(1)),
    category        LowCardinality(String),
    orders          AggregateFunction(uniqExact, String),
    order_lines     SimpleAggregateFunction(sum, UInt64),
    items_revenue   SimpleAggregateFunction(sum, Decimal(38, 2)),
    freight         SimpleAggregateFunction(sum, Decimal(38, 2)),
    revenue         SimpleAggregateFunction(sum, Decimal(38, 2)),
    min_price       SimpleAggregateFunction(min, Decimal(12, 2)),
    max_price       SimpleAggregateFunction(max, Decimal(12, 2))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(business_month)
ORDER BY (product_id, sale_month, category, business_month);

CREATE OR REPLACE TABLE agg_payment_mix_state
(
    business_date        Date,
    payment_type         LowCardinality(String),
    installments_bucket  LowCardinality(String),
    payments             SimpleAggregateFunction(sum, UInt64),
    orders               AggregateFunction(uniqExact, String),
    installments         SimpleAggregateFunction(sum, UInt64),
    amount               SimpleAggregateFunction(sum, Decimal(38, 2))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(business_date)
ORDER BY (business_date, payment_type, installments_bucket);

-- One row per order: the values of its first line (an order's status and dates repeat on each line).
CREATE OR REPLACE TABLE agg_delivery_state
(
    business_date  Date,
    order_id       String CODEC(ZSTD(1)),
    sale_date      AggregateFunction(argMin, Date, UInt16),
    state          AggregateFunction(argMin, LowCardinality(String), UInt16),
    status         AggregateFunction(argMin, LowCardinality(String), UInt16),
    days           AggregateFunction(argMin, Nullable(Int16), UInt16),
    late           AggregateFunction(argMin, Nullable(Bool), UInt16)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(business_date)
ORDER BY (business_date, order_id);

-- ---------------------------------------------------------------------------------------------
-- The load's staging tables that the views name: permanent (a view needs its source and target to
-- exist), empty outside a load. The load recreates them like their live tables before each build.
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE TABLE fact_sales__load AS fact_sales;
CREATE OR REPLACE TABLE fact_payments__load AS fact_payments;
CREATE OR REPLACE TABLE agg_daily_sales_state__load AS agg_daily_sales_state;
CREATE OR REPLACE TABLE agg_sales_by_category_state_state__load AS agg_sales_by_category_state_state;
CREATE OR REPLACE TABLE agg_monthly_sales_state__load AS agg_monthly_sales_state;
CREATE OR REPLACE TABLE agg_customer_monthly_state__load AS agg_customer_monthly_state;
CREATE OR REPLACE TABLE agg_product_monthly_state__load AS agg_product_monthly_state;
CREATE OR REPLACE TABLE agg_payment_mix_state__load AS agg_payment_mix_state;
CREATE OR REPLACE TABLE agg_delivery_state__load AS agg_delivery_state;

-- ---------------------------------------------------------------------------------------------
-- The materialized views.
-- ---------------------------------------------------------------------------------------------

-- Daily sales of one month, swapped in together with its fact_sales partition.
DROP VIEW IF EXISTS agg_daily_sales_mv;
CREATE MATERIALIZED VIEW agg_daily_sales_mv TO agg_daily_sales_state__load AS
SELECT
    business_date,
    sale_date,
    uniqExactState(order_id)                                      AS orders,
    count()                                                       AS order_lines,
    uniqExactIfState(customer_unique_id, customer_unique_id != '') AS customers,
    sum(price)                                                    AS items_revenue,
    sum(freight_value)                                            AS freight,
    sum(line_total)                                               AS revenue
FROM fact_sales__load
GROUP BY business_date, sale_date;

-- Daily sales by product category and customer state (both as exported on the day of the sale).
DROP VIEW IF EXISTS agg_sales_by_category_state_mv;
CREATE MATERIALIZED VIEW agg_sales_by_category_state_mv TO agg_sales_by_category_state_state__load AS
SELECT
    business_date,
    sale_date,
    product_category          AS category,
    customer_state            AS state,
    uniqExactState(order_id)  AS orders,
    count()                   AS order_lines,
    sum(price)                AS items_revenue,
    sum(freight_value)        AS freight,
    sum(line_total)           AS revenue
FROM fact_sales__load
GROUP BY business_date, sale_date, category, state;

-- Monthly revenue, orders and distinct customers (average order value = revenue / orders).
DROP VIEW IF EXISTS agg_monthly_sales_mv;
CREATE MATERIALIZED VIEW agg_monthly_sales_mv TO agg_monthly_sales_state__load AS
SELECT
    toStartOfMonth(business_date)                                 AS business_month,
    toStartOfMonth(sale_date)                                     AS sale_month,
    uniqExactState(order_id)                                      AS orders,
    count()                                                       AS order_lines,
    uniqExactIfState(customer_unique_id, customer_unique_id != '') AS customers,
    sum(price)                                                    AS items_revenue,
    sum(freight_value)                                            AS freight,
    sum(line_total)                                               AS revenue
FROM fact_sales__load
GROUP BY business_month, sale_month;

-- One row per person and month of purchase. Lines whose customer was missing from the day's
-- export have no person ('' customer_unique_id) and are left out: they count in the sales
-- aggregates, not in lifetime value.
DROP VIEW IF EXISTS agg_customer_monthly_mv;
CREATE MATERIALIZED VIEW agg_customer_monthly_mv TO agg_customer_monthly_state__load AS
SELECT
    toStartOfMonth(business_date)  AS business_month,
    customer_unique_id,
    toStartOfMonth(sale_date)      AS sale_month,
    uniqExactState(order_id)       AS orders,
    count()                        AS order_lines,
    sum(line_total)                AS revenue,
    min(purchased_at)              AS first_purchase_at,
    max(purchased_at)              AS last_purchase_at
FROM fact_sales__load
WHERE customer_unique_id != ''
GROUP BY business_month, customer_unique_id, sale_month;

-- Product performance per month of purchase, by the category the product had on the day it sold.
DROP VIEW IF EXISTS agg_product_monthly_mv;
CREATE MATERIALIZED VIEW agg_product_monthly_mv TO agg_product_monthly_state__load AS
SELECT
    toStartOfMonth(business_date)  AS business_month,
    toStartOfMonth(sale_date)      AS sale_month,
    product_id,
    product_category               AS category,
    uniqExactState(order_id)       AS orders,
    count()                        AS order_lines,
    sum(price)                     AS items_revenue,
    sum(freight_value)             AS freight,
    sum(line_total)                AS revenue,
    min(price)                     AS min_price,
    max(price)                     AS max_price
FROM fact_sales__load
GROUP BY business_month, sale_month, product_id, category;

-- Payment-method mix per business date: payments, orders, instalments and amount by type.
DROP VIEW IF EXISTS agg_payment_mix_mv;
CREATE MATERIALIZED VIEW agg_payment_mix_mv TO agg_payment_mix_state__load AS
SELECT
    business_date,
    payment_type,
    installments_bucket,
    count()                   AS payments,
    uniqExactState(order_id)  AS orders,
    sum(installments)         AS installments,
    sum(amount)               AS amount
FROM fact_payments__load
GROUP BY business_date, payment_type, installments_bucket;

-- Each order's first line (deterministic, unlike any()).
DROP VIEW IF EXISTS agg_delivery_mv;
CREATE MATERIALIZED VIEW agg_delivery_mv TO agg_delivery_state__load AS
SELECT
    business_date,
    order_id,
    argMinState(sale_date, order_item_id)       AS sale_date,
    argMinState(customer_state, order_item_id)  AS state,
    argMinState(order_status, order_item_id)    AS status,
    argMinState(delivery_days, order_item_id)   AS days,
    argMinState(is_late, order_item_id)         AS late
FROM fact_sales__load
GROUP BY business_date, order_id;

-- ---------------------------------------------------------------------------------------------
-- Upgrade: the facts already loaded go through the views once, into the states.
-- ---------------------------------------------------------------------------------------------

INSERT INTO fact_sales__load SELECT * FROM fact_sales;
INSERT INTO fact_payments__load SELECT * FROM fact_payments;
INSERT INTO agg_daily_sales_state SELECT * FROM agg_daily_sales_state__load;
INSERT INTO agg_sales_by_category_state_state SELECT * FROM agg_sales_by_category_state_state__load;
INSERT INTO agg_monthly_sales_state SELECT * FROM agg_monthly_sales_state__load;
INSERT INTO agg_customer_monthly_state SELECT * FROM agg_customer_monthly_state__load;
INSERT INTO agg_product_monthly_state SELECT * FROM agg_product_monthly_state__load;
INSERT INTO agg_payment_mix_state SELECT * FROM agg_payment_mix_state__load;
INSERT INTO agg_delivery_state SELECT * FROM agg_delivery_state__load;
TRUNCATE TABLE fact_sales__load;
TRUNCATE TABLE fact_payments__load;
TRUNCATE TABLE agg_daily_sales_state__load;
TRUNCATE TABLE agg_sales_by_category_state_state__load;
TRUNCATE TABLE agg_monthly_sales_state__load;
TRUNCATE TABLE agg_customer_monthly_state__load;
TRUNCATE TABLE agg_product_monthly_state__load;
TRUNCATE TABLE agg_payment_mix_state__load;
TRUNCATE TABLE agg_delivery_state__load;

-- ---------------------------------------------------------------------------------------------
-- What readers query: the old tables' names and columns, final values merged from the states.
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE VIEW agg_daily_sales AS
SELECT
    business_date,
    sale_date,
    uniqExactMerge(orders)                        AS orders,
    sum(order_lines)                              AS order_lines,
    uniqExactIfMerge(customers)                   AS customers,
    CAST(sum(items_revenue) AS Decimal(18, 2))    AS items_revenue,
    CAST(sum(freight) AS Decimal(18, 2))          AS freight,
    CAST(sum(revenue) AS Decimal(18, 2))          AS revenue
FROM agg_daily_sales_state
GROUP BY business_date, sale_date;

-- orders counts an order once per category and state it touches (an order of two categories
-- counts in both): sum it within one category and state only.
CREATE OR REPLACE VIEW agg_sales_by_category_state AS
SELECT
    business_date,
    sale_date,
    category,
    state,
    uniqExactMerge(orders)                        AS orders,
    sum(order_lines)                              AS order_lines,
    CAST(sum(items_revenue) AS Decimal(18, 2))    AS items_revenue,
    CAST(sum(freight) AS Decimal(18, 2))          AS freight,
    CAST(sum(revenue) AS Decimal(18, 2))          AS revenue
FROM agg_sales_by_category_state_state
GROUP BY business_date, sale_date, category, state;

-- Distinct customers per month cannot be summed from days: why this is not agg_daily_sales by month.
CREATE OR REPLACE VIEW agg_monthly_sales AS
SELECT
    business_month,
    sale_month,
    uniqExactMerge(orders)                        AS orders,
    sum(order_lines)                              AS order_lines,
    uniqExactIfMerge(customers)                   AS customers,
    CAST(sum(items_revenue) AS Decimal(18, 2))    AS items_revenue,
    CAST(sum(freight) AS Decimal(18, 2))          AS freight,
    CAST(sum(revenue) AS Decimal(18, 2))          AS revenue
FROM agg_monthly_sales_state
GROUP BY business_month, sale_month;

-- One row per person (customer_unique_id) per month: lifetime value, cohorts and RFM are sums and
-- minima over it (see customer_lifetime).
CREATE OR REPLACE VIEW agg_customer_monthly AS
SELECT
    business_month,
    customer_unique_id,
    sale_month,
    uniqExactMerge(orders)                        AS orders,
    sum(order_lines)                              AS order_lines,
    CAST(sum(revenue) AS Decimal(18, 2))          AS revenue,
    min(first_purchase_at)                        AS first_purchase_at,
    max(last_purchase_at)                         AS last_purchase_at
FROM agg_customer_monthly_state
GROUP BY business_month, customer_unique_id, sale_month;

CREATE OR REPLACE VIEW agg_product_monthly AS
SELECT
    business_month,
    sale_month,
    product_id,
    category,
    uniqExactMerge(orders)                        AS orders,
    sum(order_lines)                              AS order_lines,
    CAST(sum(items_revenue) AS Decimal(18, 2))    AS items_revenue,
    CAST(sum(freight) AS Decimal(18, 2))          AS freight,
    CAST(sum(revenue) AS Decimal(18, 2))          AS revenue,
    min(min_price)                                AS min_price,
    max(max_price)                                AS max_price
FROM agg_product_monthly_state
GROUP BY business_month, sale_month, product_id, category;

CREATE OR REPLACE VIEW agg_payment_mix AS
SELECT
    business_date,
    payment_type,
    installments_bucket,
    sum(payments)                                 AS payments,
    uniqExactMerge(orders)                        AS orders,
    sum(installments)                             AS installments,
    CAST(sum(amount) AS Decimal(18, 2))           AS amount
FROM agg_payment_mix_state
GROUP BY business_date, payment_type, installments_bucket;

-- Delivery performance at order grain. Late share = late_orders / delivered_orders; mean delivery
-- = delivery_days / delivered_orders (delivery_days sums over delivered orders).
CREATE OR REPLACE VIEW agg_delivery AS
SELECT
    business_date,
    sale_date,
    state,
    count()                          AS orders,
    countIf(days IS NOT NULL)        AS delivered_orders,
    countIf(late)                    AS late_orders,
    countIf(status = 'canceled')     AS canceled_orders,
    sum(ifNull(days, 0))             AS delivery_days,
    max(ifNull(days, 0))             AS max_delivery_days
FROM
(
    SELECT
        business_date,
        order_id,
        argMinMerge(sale_date)  AS sale_date,
        argMinMerge(state)      AS state,
        argMinMerge(status)     AS status,
        argMinMerge(days)       AS days,
        argMinMerge(late)       AS late
    FROM agg_delivery_state
    GROUP BY business_date, order_id
)
GROUP BY business_date, sale_date, state;
