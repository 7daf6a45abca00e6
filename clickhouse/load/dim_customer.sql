-- Staged customers -> dim_customer rows of one month. Missing cities map to an explicit unknown member.
INSERT INTO ${target} (customer_id, customer_unique_id, zip_code_prefix, city, state, updated_at, business_date, source_line)
SELECT
    customer_id,
    customer_unique_id,
    customer_zip_code_prefix,
    ifNull(customer_city, 'unknown'),
    customer_state,
    updated_at,
    toDate(business_date),
    source_line
FROM ${source};
