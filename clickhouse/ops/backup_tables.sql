-- The tables a backup holds: every table of the current database except views (re-created by
-- migrations), aggregate states (AggregatingMergeTree: derived from the facts, and rebuilt from the
-- restored facts by the aggregates' materialized views, see ops/backup/restoreWarehouse.ts), the
-- migration ledger (the restored database is migrated before data goes in), a load's staging tables
-- (<table>__load, <table>__load_<month>) and the copies a restore makes for itself (<table>__restore).
SELECT name
FROM system.tables
WHERE database = currentDatabase()
  AND engine NOT IN ('View', 'MaterializedView', 'LiveView', 'AggregatingMergeTree')
  AND name != 'schema_migrations'
  AND NOT endsWith(name, '__restore')
  AND NOT endsWith(name, '__load')
  AND position(name, '__load_') = 0
  AND NOT is_temporary
ORDER BY name
