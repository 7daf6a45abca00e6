-- cartwheel: server-only
-- The aggregates are views since 0016 (agg_* over agg_*_state); the analyst keeps its grants on
-- their names (0006). Whether a view checks its reader's rights on the tables it reads depends on
-- the server's SQL SECURITY defaults (0016 sets none), so the analyst is granted the states too:
-- it reads the aggregates either way, and the states hold nothing the views do not show. The
-- loader needs nothing new: the materialized views write into agg_*_state__load, and its grants
-- (0006: SELECT, INSERT, ALTER, CREATE/DROP TABLE, TRUNCATE on the database) cover every table.
GRANT SELECT ON ${database}.agg_daily_sales_state TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_sales_by_category_state_state TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_monthly_sales_state TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_customer_monthly_state TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_product_monthly_state TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_payment_mix_state TO ${database}_analyst;
GRANT SELECT ON ${database}.agg_delivery_state TO ${database}_analyst;
