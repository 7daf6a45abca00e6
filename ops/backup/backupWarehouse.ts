/**
 * Warehouse backup: every table to Parquet under <dir>/ with a manifest of row counts, content
 * checksums and file sha256. chDB has no BACKUP (backups.allowed_path is not configurable there),
 * so this is the portable form. The target folder must be new: a backup is never overwritten.
 * Embedded warehouse only: with CLICKHOUSE_URL, file() would write on the server's disk.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readSql, renderSql } from '../../clickhouse/sqlFiles';
import { fileDigest } from '../../pipeline/archive/fileDigest';
import { BACKUP_MANIFEST, type BackupManifest } from './backupManifest';
import { CHECKSUM_VERSION, tableChecksum } from './tableChecksum';

export async function backupWarehouse(client: ClickHouseClient, dir: string, onTable: (table: string, rows: number) => void = () => {}): Promise<BackupManifest> {
  if (existsSync(dir)) throw new Error(`backup folder ${dir} already exists: backups are never overwritten; choose a new folder`);
  const partial = `${dir}.partial`;
  mkdirSync(partial, { recursive: true });
  const result = await client.query({ query: readSql('ops/backup_tables.sql'), format: 'JSONEachRow' });
  const tables = (await result.json<{ name: string }>()).map((t) => t.name);
  const manifest: BackupManifest = { createdAt: new Date().toISOString(), checksumVersion: CHECKSUM_VERSION, tables: [] };
  for (const table of tables) {
    const file = `${table}.parquet`;
    await client.command({ query: renderSql(readSql('ops/export_table.sql'), { table }), query_params: { file: path.resolve(partial, file) } });
    const { rows, checksum } = await tableChecksum(client, table);
    manifest.tables.push({ table, file, rows, checksum, ...(await fileDigest(path.join(partial, file))) });
    onTable(table, rows);
  }
  writeFileSync(path.join(partial, BACKUP_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  // Only a complete backup gets the requested name.
  renameSync(partial, dir);
  return manifest;
}
