-- cartwheel: server-only
-- Roles on a ClickHouse server (chDB has no access control, so embedded mode records this migration
-- without running it). ${database} is the warehouse's database, so two warehouses on one server get
-- separate roles. Users are the deployment's (names, passwords): create them and grant a role, e.g.
--   CREATE USER loader IDENTIFIED WITH sha256_password BY '...' DEFAULT ROLE cartwheel_loader;
--   GRANT cartwheel_loader TO loader;
-- Running migrations needs a user allowed to manage access (this file); the worker's later runs of
-- migrate() only read schema_migrations, which the loader may do.

-- The loader builds staging tables, swaps partitions and writes run records: every table of the
-- warehouse's database, nothing outside it, no access management.
CREATE ROLE IF NOT EXISTS ${database}_loader;
GRANT SELECT, INSERT, ALTER, CREATE TABLE, DROP TABLE, TRUNCATE, SHOW TABLES, SHOW COLUMNS ON ${database}.* TO ${database}_loader;

-- The analyst reads the star schema and its aggregates: not the snapshots, the load's scratch
-- tables or the run history.
CREATE ROLE IF NOT EXISTS ${database}_analyst;
GRANT SELECT ON ${database}.dim_customer TO ${database}_analyst;
GRANT SELECT ON ${database}.dim_customer_current TO ${database}_analyst;
GRANT SELECT ON ${database}.dim_product TO ${database}_analyst;
GRANT SELECT ON ${database}.dim_date TO ${database}_analyst;
GRANT SELECT ON ${database}.fact_sales TO ${database}_analyst;
GRANT SELECT ON ${database}.fact_payments TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_daily_sales TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_sales_by_category_state TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_monthly_sales TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_customer_monthly TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_product_monthly TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_payment_mix TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_delivery TO ${database}_analyst;
GRANT SELECT ON ${database}.customer_lifetime TO ${database}_analyst;
