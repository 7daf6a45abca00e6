/**
 * Checksums of a staged folder's Parquet parts, written when the folder is published and verified
 * before a load reads it: a staged file altered afterwards (a flipped bit inside a data page that the
 * Parquet decoder would happily read, a part deleted or added by hand) is refused by name instead of
 * being loaded. The file is `checksums.sha256` in the `sha256sum` format, so
 * `cd staging/... && sha256sum -c checksums.sha256` checks a folder by hand too.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Storage } from '../../domain/storage';
import { writeFileAtomically } from '../../domain/writeFileAtomically';

export const CHECKSUM_FILE = 'checksums.sha256';

/** sha256 of a staged part. Parts are bounded (64k rows), so reading one whole is fine. */
export function partDigest(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Record the digest of every Parquet part in `dir` (replacing an earlier list, atomically). */
export function writeStagedChecksums(dir: string): void {
  const lines = readdirSync(dir)
    .filter((name) => name.endsWith('.parquet'))
    .sort()
    .map((name) => `${partDigest(path.join(dir, name))}  ${name}\n`);
  writeFileAtomically(path.join(dir, CHECKSUM_FILE), lines.join(''));
}

/** The recorded digests by part name, or undefined for a folder staged before checksums existed. */
export async function readStagedChecksums(dir: string, storage = new Storage()): Promise<Map<string, string> | undefined> {
  const file = storage.join(dir, CHECKSUM_FILE);
  if (!(await storage.exists(file))) return undefined;
  const digests = new Map<string, string>();
  for (const line of (await storage.readBytes(file)).toString('utf8').split('\n')) {
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (match) digests.set(match[2], match[1]);
  }
  return digests;
}
