/**
 * Restore a backup into a migrated warehouse: each file is checked against its sha256 first (a
 * damaged backup is refused before any table is touched), then each table is emptied, filled from
 * its Parquet file, and verified against the manifest's rows and content checksum.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileDigest } from '../../activities/archive/fileDigest';
import { readSql, renderSql } from '../../clickhouse/sqlFiles';
import { BACKUP_MANIFEST, backupManifestSchema, type BackupManifest } from './backupManifest';
import { tableChecksum } from './tableChecksum';

export async function restoreWarehouse(client: ClickHouseClient, dir: string, onTable: (table: string, rows: number) => void = () => {}): Promise<BackupManifest> {
  const manifestPath = path.join(dir, BACKUP_MANIFEST);
  if (!existsSync(manifestPath)) throw new Error(`${dir} is not a complete backup: ${BACKUP_MANIFEST} is missing`);
  const manifest = backupManifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  for (const t of manifest.tables) {
    if ((await fileDigest(path.join(dir, t.file))).sha256 !== t.sha256) {
      throw new Error(`backup file ${t.file} does not match its sha256 in ${manifestPath}: the backup is damaged; nothing was restored`);
    }
  }
  for (const t of manifest.tables) {
    await client.command({ query: renderSql(readSql('ops/truncate_table.sql'), { table: t.table }) });
    await client.command({ query: renderSql(readSql('ops/import_table.sql'), { table: t.table }), query_params: { file: path.resolve(dir, t.file) } });
    const restored = await tableChecksum(client, t.table, manifest.checksumVersion);
    if (restored.rows !== t.rows || restored.checksum !== t.checksum) {
      throw new Error(`restored ${t.table} differs from the backup (rows ${restored.rows} vs ${t.rows}, checksum ${restored.checksum} vs ${t.checksum})`);
    }
    onTable(t.table, t.rows);
  }
  return manifest;
}
