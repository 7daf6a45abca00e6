-- The star schema. Every table is partitioned by month so that a load can rebuild a month in a
-- staging table and swap it in atomically with ALTER TABLE ... REPLACE PARTITION.
-- Money is Decimal(12, 2): exact, unlike Float64.

-- One row per customer as exported on a business date (a later export of the same customer is a
-- newer version; dim_customer_current picks the latest).
CREATE TABLE IF NOT EXISTS dim_customer
(
    customer_id         String,
    customer_unique_id  String,
    zip_code_prefix     LowCardinality(String),
    city                LowCardinality(String),
    state               LowCardinality(String),
    updated_at          DateTime64(3, 'UTC'),
    business_date       Date,
    source_line         UInt32
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(business_date)
ORDER BY (customer_id, business_date);

CREATE TABLE IF NOT EXISTS dim_product
(
    product_id     String,
    category       LowCardinality(String),
    weight_g       UInt32,
    length_cm      UInt32,
    height_cm      UInt32,
    width_cm       UInt32,
    updated_at     DateTime64(3, 'UTC'),
    business_date  Date,
    source_line    UInt32
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(business_date)
ORDER BY (product_id, business_date);

-- A generated calendar; a load writes every day of each month its facts touch.
CREATE TABLE IF NOT EXISTS dim_date
(
    date          Date,
    year          UInt16,
    quarter       UInt8,
    month         UInt8,
    day           UInt8,
    iso_week      UInt8,
    weekday       UInt8,   -- 1 = Monday ... 7 = Sunday
    weekday_name  LowCardinality(String),
    is_weekend    Bool,
    is_month_end  Bool
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(date)
ORDER BY date;

-- Order-line grain: one row per item of an order, as exported on its business date.
CREATE TABLE IF NOT EXISTS fact_sales
(
    order_id               String,
    order_item_id          UInt16,
    customer_id            String,
    product_id             String,
    seller_id              String,
    order_status           LowCardinality(String),
    purchased_at           DateTime64(3, 'UTC'),
    approved_at            Nullable(DateTime64(3, 'UTC')),
    delivered_at           Nullable(DateTime64(3, 'UTC')),
    estimated_delivery_at  Nullable(DateTime64(3, 'UTC')),
    price                  Decimal(12, 2),
    freight_value          Decimal(12, 2),
    line_total             Decimal(12, 2),
    business_date          Date,
    source_line            UInt32
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(business_date)
ORDER BY (business_date, order_id, order_item_id);

CREATE TABLE IF NOT EXISTS fact_payments
(
    order_id            String,
    payment_sequential  UInt16,
    payment_type        LowCardinality(String),
    installments        UInt8,
    amount              Decimal(12, 2),
    business_date       Date,
    source_line         UInt32
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(business_date)
ORDER BY (business_date, order_id, payment_sequential);

-- Daily sales, rebuilt from fact_sales in the same load that swaps the facts' partition
-- (a materialized view would not see a partition swap).
CREATE TABLE IF NOT EXISTS agg_daily_sales
(
    business_date  Date,
    sale_date      Date,
    orders         UInt64,
    order_lines    UInt64,
    items_revenue  Decimal(18, 2),
    freight        Decimal(18, 2),
    revenue        Decimal(18, 2)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(business_date)
ORDER BY (sale_date, business_date);

CREATE VIEW IF NOT EXISTS dim_customer_current AS
SELECT
    customer_id,
    argMax(customer_unique_id, (business_date, updated_at)) AS customer_unique_id,
    argMax(zip_code_prefix, (business_date, updated_at))    AS zip_code_prefix,
    argMax(city, (business_date, updated_at))               AS city,
    argMax(state, (business_date, updated_at))              AS state,
    max(business_date)                                      AS last_seen
FROM dim_customer
GROUP BY customer_id;

CREATE VIEW IF NOT EXISTS dim_product_current AS
SELECT
    product_id,
    argMax(category, (business_date, updated_at))  AS category,
    argMax(weight_g, (business_date, updated_at))  AS weight_g,
    max(business_date)                             AS last_seen
FROM dim_product
GROUP BY product_id;
