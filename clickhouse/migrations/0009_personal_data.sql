-- Personal data of customers (issue 7): name, e-mail, phone and street arrive in customers.csv and
-- are protected at ingest, so the warehouse only ever receives their protected forms:
--   <x>_encrypted  AES-256-GCM ciphertext '<key id>:<base64>' (only the key holder can decrypt)
--   <x>_token      HMAC-SHA256 of the standard form (e-mail, phone): join, deduplicate and count
--                  distinct people without the value
--   <x>_masked     display form for analysts: 'm***@example.com', '(**) *****-4321', 'M. S***', 'R*** ...'
-- Each is '' when the export had no value, and for rows loaded before this migration: existing
-- months gain the columns empty and fill when they are loaded again. Not Nullable on purpose: table
-- checksums hash whole rows (cityHash64(*)), and a NULL would drop its row out of the checksum.

ALTER TABLE customer_snapshots
    ADD COLUMN IF NOT EXISTS name_encrypted    String CODEC(ZSTD(1)) AFTER customer_unique_id,
    ADD COLUMN IF NOT EXISTS name_masked       LowCardinality(String) AFTER name_encrypted,
    ADD COLUMN IF NOT EXISTS email_encrypted   String CODEC(ZSTD(1)) AFTER name_masked,
    ADD COLUMN IF NOT EXISTS email_token       String CODEC(ZSTD(1)) AFTER email_encrypted,
    ADD COLUMN IF NOT EXISTS email_masked      LowCardinality(String) AFTER email_token,
    ADD COLUMN IF NOT EXISTS phone_encrypted   String CODEC(ZSTD(1)) AFTER email_masked,
    ADD COLUMN IF NOT EXISTS phone_token       String CODEC(ZSTD(1)) AFTER phone_encrypted,
    ADD COLUMN IF NOT EXISTS phone_masked      LowCardinality(String) AFTER phone_token,
    ADD COLUMN IF NOT EXISTS street_encrypted  String CODEC(ZSTD(1)) AFTER phone_masked,
    ADD COLUMN IF NOT EXISTS street_masked     LowCardinality(String) AFTER street_encrypted;

-- In dim_customer the contact columns are type 1: every version of a customer shows the latest
-- contact data any export gave (like the city, an empty value keeps the last known one). They never
-- open a version: versions follow what analysts slice by (person, zip, city, state).
ALTER TABLE dim_customer
    ADD COLUMN IF NOT EXISTS name_encrypted    String CODEC(ZSTD(1)) AFTER customer_unique_id,
    ADD COLUMN IF NOT EXISTS name_masked       LowCardinality(String) AFTER name_encrypted,
    ADD COLUMN IF NOT EXISTS email_encrypted   String CODEC(ZSTD(1)) AFTER name_masked,
    ADD COLUMN IF NOT EXISTS email_token       String CODEC(ZSTD(1)) AFTER email_encrypted,
    ADD COLUMN IF NOT EXISTS email_masked      LowCardinality(String) AFTER email_token,
    ADD COLUMN IF NOT EXISTS phone_encrypted   String CODEC(ZSTD(1)) AFTER email_masked,
    ADD COLUMN IF NOT EXISTS phone_token       String CODEC(ZSTD(1)) AFTER phone_encrypted,
    ADD COLUMN IF NOT EXISTS phone_masked      LowCardinality(String) AFTER phone_token,
    ADD COLUMN IF NOT EXISTS street_encrypted  String CODEC(ZSTD(1)) AFTER phone_masked,
    ADD COLUMN IF NOT EXISTS street_masked     LowCardinality(String) AFTER street_encrypted;

-- What analysts see of a customer: the current version, masked contact data and tokens, never a
-- ciphertext. On a server, 0011 grants this view and withholds the ciphertext columns.
CREATE VIEW IF NOT EXISTS analyst_customers AS
SELECT
    customer_id,
    customer_unique_id,
    name_masked,
    email_masked,
    email_token,
    phone_masked,
    phone_token,
    street_masked,
    zip_code_prefix,
    city,
    state,
    region,
    valid_from,
    version
FROM dim_customer
WHERE is_current;
