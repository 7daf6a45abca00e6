-- The month's staged customers as exported: one row per customer per business date.
-- A missing city becomes the explicit unknown member. Personal data arrives protected (ingest
-- encrypted, tokenised and masked it): the staged files never held it in plaintext. A contact
-- value the export lacked is '' in the warehouse.
INSERT INTO ${target} (customer_id, business_date, customer_unique_id,
                       name_encrypted, name_masked, email_encrypted, email_token, email_masked,
                       phone_encrypted, phone_token, phone_masked, street_encrypted, street_masked,
                       zip_code_prefix, city, state, updated_at, source_line)
SELECT
    customer_id,
    toDate(business_date),
    customer_unique_id,
    ifNull(customer_name_encrypted, ''),
    ifNull(customer_name_masked, ''),
    ifNull(customer_email_encrypted, ''),
    ifNull(customer_email_token, ''),
    ifNull(customer_email_masked, ''),
    ifNull(customer_phone_encrypted, ''),
    ifNull(customer_phone_token, ''),
    ifNull(customer_phone_masked, ''),
    ifNull(customer_street_encrypted, ''),
    ifNull(customer_street_masked, ''),
    customer_zip_code_prefix,
    ifNull(customer_city, 'unknown'),
    customer_state,
    updated_at,
    source_line
FROM ${customers};
