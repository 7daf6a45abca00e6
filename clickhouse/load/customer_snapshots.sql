-- The month's staged customers as exported: one row per customer per business date.
-- A missing city becomes the explicit unknown member.
INSERT INTO ${target} (customer_id, business_date, customer_unique_id, zip_code_prefix, city, state, updated_at, source_line)
SELECT
    customer_id,
    toDate(business_date),
    customer_unique_id,
    customer_zip_code_prefix,
    ifNull(customer_city, 'unknown'),
    customer_state,
    updated_at,
    source_line
FROM ${customers};
