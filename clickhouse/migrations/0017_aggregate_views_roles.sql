-- cartwheel: server-only
-- The aggregates are views since 0016 (agg_* over agg_*_state). A plain view runs with its
-- reader's rights, so the analyst reads the states it merges; it keeps its grants on the views'
-- names (0006). The loader needs nothing new: its grants cover every table of the database,
-- and an INSERT into a staging fact runs the materialized views with their definer's rights.
GRANT SELECT ON ${database}.agg_daily_sales_state TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_sales_by_category_state_state TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_monthly_sales_state TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_customer_monthly_state TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_product_monthly_state TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_payment_mix_state TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_delivery_state TO ${database}_analyst;
