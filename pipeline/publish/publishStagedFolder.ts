/**
 * Publish a folder of Parquet parts into staging: its checksums are written (stagedChecksums.ts), then
 * it is moved in. The one way a day (stageSource) and a change batch's month (publishChanges) reach
 * the staged truth.
 *
 * - Local staging: a rename. A folder already there is moved aside first and deleted after, so a
 *   crash leaves the old version, the new one or none of them, never a mix.
 * - Staging on S3 (publishStagedFolderToS3): S3 has no rename. The engine copies each part byte for
 *   byte (RawBLOB) from the work folder to its key, parts an earlier version had and this one lacks
 *   are deleted, and the checksum list is written last; the pending folder is removed only then, so a
 *   crash midway leaves it for the retry to publish again. Until that retry, a load refuses the
 *   folder by name (its parts do not match its list), never loads a mix.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Warehouse } from '../../clickhouse/client';
import { settingsClause } from '../../clickhouse/settingsClause';
import type { Storage } from '../../domain/storage';
import { CHECKSUM_FILE, writeStagedChecksums } from './stagedChecksums';

export function publishStagedFolder(pending: string, staged: string): void {
  writeStagedChecksums(pending);
  mkdirSync(path.dirname(staged), { recursive: true });
  const previous = `${staged}.replaced-${process.pid}`;
  if (existsSync(staged)) renameSync(staged, previous);
  try {
    renameSync(pending, staged);
  } catch (error) {
    // Another publisher (a second attempt on another worker) took `pending` between our caller's
    // check and our rename, and its folder is what we just moved aside: put it back rather than lose it.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (!existsSync(staged) && existsSync(previous)) renameSync(previous, staged);
  }
  rmSync(previous, { recursive: true, force: true });
}

/** `staged` is an s3:// folder; `pending` a local work folder the engine can read (file()). */
export async function publishStagedFolderToS3(warehouse: Warehouse, storage: Storage, pending: string, staged: string): Promise<void> {
  writeStagedChecksums(pending);
  const parts = readdirSync(pending).filter((name) => name.endsWith('.parquet')).sort();
  for (const name of parts) {
    const from = storage.tableFunction(path.join(pending, name), 'part', 'RawBLOB');
    const to = storage.tableFunction(storage.join(staged, name), 'target', 'RawBLOB');
    await warehouse.client.command({
      query: `INSERT INTO FUNCTION ${to.sql} SELECT * FROM ${from.sql} ${settingsClause({ s3_truncate_on_insert: 1 })}`,
      query_params: { ...from.params, ...to.params },
    });
  }
  const stale = (await storage.list(staged)).filter((name) => name !== CHECKSUM_FILE && !parts.includes(name));
  for (const name of stale) await storage.removeObject(storage.join(staged, name));
  await storage.upload(path.join(pending, CHECKSUM_FILE), storage.join(staged, CHECKSUM_FILE));
  rmSync(pending, { recursive: true, force: true });
}
