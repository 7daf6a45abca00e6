-- The tables a backup holds: every table of the current database except views (re-created by
-- migrations) and the migration ledger (the restored database is migrated before data goes in).
SELECT name
FROM system.tables
WHERE database = currentDatabase()
  AND engine NOT IN ('View', 'MaterializedView', 'LiveView')
  AND name != 'schema_migrations'
  AND NOT is_temporary
ORDER BY name
