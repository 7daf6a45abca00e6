/**
 * Publish a folder of Parquet parts into staging: its checksums are written (stagedChecksums.ts), then
 * it is moved in with a rename. A folder already there is moved aside first and deleted after, so a
 * crash leaves the old version, the new one or none of them, never a mix. The one way a day
 * (stageSource) and a change batch's month (publishChanges) reach the staged truth.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeStagedChecksums } from './stagedChecksums';

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
