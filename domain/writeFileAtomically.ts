/**
 * Write a whole file under a temporary name and rename it into place: a reader (or the retry after a
 * crash) sees the old file, the new one or none, never half of one. For manifests, checkpoints,
 * checksum lists and Parquet parts, whose presence is taken as "complete".
 */
import { renameSync, writeFileSync } from 'node:fs';

export function writeFileAtomically(file: string, data: string | Uint8Array): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, file);
}
