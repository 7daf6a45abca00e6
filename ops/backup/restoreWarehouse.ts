/**
 * Restore a backup into a migrated warehouse, all or nothing:
 *
 *   1. every file is checked against its sha256 (a damaged backup is refused before anything else);
 *   2. every table is filled into a new staging table (same columns and engine as the live one) and
 *      verified against the manifest's rows and content checksum, while the live tables are untouched;
 *      the aggregates' states, which backups do not hold, are rebuilt from the restored facts by the
 *      aggregates' own materialized views (pipeline/build/aggregateStates.ts) into staging tables too;
 *   3. only when every table verified, each staging table is swapped with its live table
 *      (EXCHANGE TABLES); a swap that fails swaps back the ones already done;
 *   4. the replaced data, now under the staging names, is dropped.
 *
 * A failure in 1 or 2, or in 3 when swapping back works, leaves the warehouse exactly as it was, and
 * the error says so (RestoreRefused). Version 3 checksums are stable under merges (see
 * tableChecksum.ts), so a ReplacingMergeTree that merged, or collapsed the rows as they went in, does
 * not fail a good backup.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileDigest } from '../../pipeline/archive/fileDigest';
import { readSql, renderSql } from '../../clickhouse/sqlFiles';
import { buildAggregateStates, clearAggregateStaging } from '../../pipeline/build/aggregateStates';
import { AGGREGATES } from '../../pipeline/build/warehouseTables';
import { BACKUP_MANIFEST, backupManifestSchema, type BackupManifest } from './backupManifest';
import { tableChecksum } from './tableChecksum';

/** The restore stopped and the warehouse is exactly as it was before it began. */
export class RestoreRefused extends Error {
  override name = 'RestoreRefused';
}

export interface RestoreHooks {
  /** Called before each live table is swapped with its verified copy (tests use it to make a swap fail). */
  beforeSwap?: (table: string, staging: string) => Promise<void>;
}

/** The name a table's verified copy has until it is swapped in (and its replaced data after). */
export function stagingName(table: string): string {
  return `${table}__restore`;
}

export async function restoreWarehouse(
  client: ClickHouseClient,
  dir: string,
  onTable: (table: string, rows: number) => void = () => {},
  hooks: RestoreHooks = {},
): Promise<BackupManifest> {
  const manifestPath = path.join(dir, BACKUP_MANIFEST);
  if (!existsSync(manifestPath)) throw new RestoreRefused(`${dir} is not a complete backup: ${BACKUP_MANIFEST} is missing; nothing was restored`);
  const manifest = backupManifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  for (const t of manifest.tables) {
    if ((await fileDigest(path.join(dir, t.file))).sha256 !== t.sha256) {
      throw new RestoreRefused(`backup file ${t.file} does not match its sha256 in ${manifestPath}: the backup is damaged; nothing was restored`);
    }
  }
  const command = (sql: string, identifiers: Record<string, string>, query_params?: Record<string, unknown>) =>
    client.command({ query: renderSql(readSql(sql), identifiers), query_params });
  // A backup written before the aggregates became views (migration 0016) holds them as tables: they
  // are rebuilt from the facts like every aggregate, not restored.
  const restored = manifest.tables.filter((t) => !AGGREGATES.some((a) => a.view === t.table));
  const toSwap: string[] = [...restored.map((t) => t.table), ...AGGREGATES.map((a) => a.state)];
  const dropStaging = async () => {
    for (const table of toSwap) await command('ops/drop_table.sql', { table: stagingName(table) });
  };

  // 2. Fill and verify every copy; the live tables are not touched.
  try {
    for (const t of restored) {
      const staging = stagingName(t.table);
      await command('ops/drop_table.sql', { table: staging }); // left by a restore that was killed
      await command('ops/restore_staging_table.sql', { staging, table: t.table });
      await command('ops/import_table.sql', { table: staging }, { file: path.resolve(dir, t.file) });
      const restored = await tableChecksum(client, staging, manifest.checksumVersion);
      if (restored.rows !== t.rows || restored.checksum !== t.checksum) {
        throw new Error(`restored ${t.table} differs from the backup (rows ${restored.rows} vs ${t.rows}, checksum ${restored.checksum} vs ${t.checksum})`);
      }
      onTable(t.table, t.rows);
    }
    const states = await buildAggregateStates(client, { fact_sales: stagingName('fact_sales'), fact_payments: stagingName('fact_payments') });
    for (const [state, rebuilt] of states) {
      await command('ops/drop_table.sql', { table: stagingName(state) });
      await command('ops/restore_staging_table.sql', { staging: stagingName(state), table: state });
      await command('ops/copy_table.sql', { from: rebuilt, to: stagingName(state) });
    }
    await clearAggregateStaging(client);
  } catch (error) {
    await dropStaging().catch(() => undefined);
    throw new RestoreRefused(`${short(error)}: nothing was restored, every table is as it was before the restore`);
  }

  // 3. Swap every verified copy in; on a failure, swap back what was swapped.
  const done: string[] = [];
  try {
    for (const table of toSwap) {
      await hooks.beforeSwap?.(table, stagingName(table));
      await command('ops/exchange_tables.sql', { a: table, b: stagingName(table) });
      done.push(table);
    }
  } catch (error) {
    const cause = short(error);
    const notBack: string[] = [];
    for (const table of done.reverse()) {
      await command('ops/exchange_tables.sql', { a: table, b: stagingName(table) }).catch(() => notBack.push(table));
    }
    if (notBack.length > 0) {
      throw new Error(`restore failed while swapping tables in (${cause}), and ${notBack.join(', ')} could not be swapped back: `
        + `they hold the backup, their previous data is in ${notBack.map(stagingName).join(', ')}; `
        + `run the restore again to finish it`);
    }
    await dropStaging().catch(() => undefined);
    throw new RestoreRefused(`restore failed while swapping tables in (${cause}); every table swapped in was swapped back: nothing was restored, every table is as it was before the restore`);
  }

  // 4. The replaced data.
  await dropStaging();
  return manifest;
}

function short(error: unknown): string {
  return String((error as Error).message ?? error).split('\n')[0].slice(0, 300);
}
