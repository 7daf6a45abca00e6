-- cartwheel: server-only
-- Analysts and personal data (issue 7), on a ClickHouse server (chDB has no access control). The
-- analyst role read all of dim_customer (0006); since 0009 it holds ciphertext columns, so the grant
-- becomes column-level: everything but the *_encrypted columns. Named queries keep working (they
-- read ids, dates and regions), `SELECT *` on dim_customer is refused, and analyst_customers is the
-- customer view to use. Snapshots were never granted; the revoke below states it explicitly.
-- Ciphertext is useless without the key (which only the worker holds), but withholding it keeps it
-- out of analysts' exports and query logs.

REVOKE SELECT ON ${database}.dim_customer FROM ${database}_analyst;
GRANT SELECT(customer_id, valid_from, valid_to, is_current, version, customer_unique_id, name_masked, email_token, email_masked, phone_token, phone_masked, street_masked, zip_code_prefix, city, state, region, updated_at) ON ${database}.dim_customer TO ${database}_analyst;
REVOKE SELECT ON ${database}.customer_snapshots FROM ${database}_analyst;
GRANT SELECT ON ${database}.analyst_customers TO ${database}_analyst;
