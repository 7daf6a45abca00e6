/**
 * Versioned migrations: clickhouse/migrations/NNNN_name.sql, applied in order, each recorded in
 * schema_migrations with a checksum. Applying twice is a no-op; editing an applied file is an error
 * (write a new migration instead).
 *
 * A migration may name the warehouse's database as `${database}` (e.g. in role names), and one whose
 * first line is `-- cartwheel: server-only` (roles and grants) runs only where SQL access management
 * works: a server with a writable access storage. Elsewhere it is recorded without running: the
 * embedded engine has no access control, and the chDB server takes the same roles from its
 * generated users.xml (clickhouse/server/access.ts reads them from these very files).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { auditLogExists, writeAudit, type AuditEvent } from './audit';
import type { Warehouse } from './client';
import { renderSql, splitStatements } from './sqlFiles';

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
  serverOnly: boolean;
}

const SERVER_ONLY = /^-- cartwheel: server-only\s*$/m;

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(path.join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
        serverOnly: SERVER_ONLY.test(sql.split('\n', 1)[0]),
      };
    });
}

/** Apply pending migrations (of another folder in tests); returns the names applied by this call. */
export async function migrate(warehouse: Warehouse, dir = MIGRATIONS_DIR): Promise<string[]> {
  const { client } = warehouse;
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations
      (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC'))
      ENGINE = ReplacingMergeTree(applied_at) ORDER BY version`,
  });
  const applied = new Map<number, { name: string; checksum: string }>();
  const rows = await client.query({ query: 'SELECT version, name, checksum FROM schema_migrations FINAL', format: 'JSONEachRow' });
  for (const row of await rows.json<{ version: number | string; name: string; checksum: string }>()) {
    applied.set(Number(row.version), row);
  }

  let writableAccess: Promise<boolean> | undefined;
  const sqlAccess = () => (writableAccess ??= hasWritableAccessStorage(warehouse));
  const newlyApplied: string[] = [];
  // Schema changes are audited; the audit table is itself a migration, so rows wait until it exists.
  const audit: AuditEvent[] = [];
  try {
    for (const migration of listMigrations(dir)) {
      const previous = applied.get(migration.version);
      if (previous) {
        if (previous.checksum !== migration.checksum) {
          throw new Error(`migration ${migration.name} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      const skip = migration.serverOnly && !(await sqlAccess());
      try {
        for (const statement of skip ? [] : splitStatements(migration.sql)) {
          await client.command({ query: renderSql(statement, { database: warehouse.database }) });
        }
      } catch (error) {
        const detail = `${migration.name} failed: ${(error as Error).message}`.slice(0, 2000);
        audit.push({ eventId: `migration:${migration.name}:failed:${Date.now()}`, action: 'schema_change', target: migration.name, outcome: 'failed', detail });
        throw error;
      }
      await client.command({
        query: 'INSERT INTO schema_migrations SELECT {version:UInt32}, {name:String}, {checksum:String}, now64(3)',
        query_params: { version: migration.version, name: migration.name, checksum: migration.checksum },
      });
      newlyApplied.push(migration.name);
      const where = warehouse.mode === 'embedded' ? 'embedded engine' : 'roles from users.xml';
      const detail = `checksum ${migration.checksum.slice(0, 12)}${skip ? `; recorded without running (server-only, ${where})` : ''}`;
      audit.push({ eventId: `migration:${migration.name}:${migration.checksum}`, action: 'schema_change', target: migration.name, outcome: 'succeeded', detail });
    }
  } catch (error) {
    // The migration's own error is the one to report, whatever happens to its audit row.
    await writeAuditIfReady(warehouse, audit).catch(() => undefined);
    throw error;
  }
  await writeAuditIfReady(warehouse, audit);
  return newlyApplied;
}

/**
 * Whether CREATE ROLE can work here: a server with a SQL-managed user directory. The chDB server
 * has users.xml only (read-only), the embedded engine no access control at all.
 */
async function hasWritableAccessStorage(warehouse: Warehouse): Promise<boolean> {
  if (warehouse.mode === 'embedded') return false;
  const result = await warehouse.client.query({
    query: "SELECT count() AS n FROM system.user_directories WHERE type IN ('local_directory', 'replicated', 'memory')",
    format: 'JSONEachRow',
  });
  const [{ n }] = await result.json<{ n: number | string }>();
  return Number(n) > 0;
}

/** A failure before migration 0008 on a new warehouse has no table to go to; it is only thrown. */
async function writeAuditIfReady(warehouse: Warehouse, events: AuditEvent[]): Promise<void> {
  if (events.length > 0 && (await auditLogExists(warehouse))) await writeAudit(warehouse, events);
}
