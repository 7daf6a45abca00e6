-- The tables a backup holds: every table of the current database except views (re-created by
-- migrations), the migration ledger (the restored database is migrated before data goes in) and
-- the copies a restore makes for itself (<table>__restore, see ops/backup/restoreWarehouse.ts).
SELECT name
FROM system.tables
WHERE database = currentDatabase()
  AND engine NOT IN ('View', 'MaterializedView', 'LiveView')
  AND name != 'schema_migrations'
  AND NOT endsWith(name, '__restore')
  AND NOT is_temporary
ORDER BY name
