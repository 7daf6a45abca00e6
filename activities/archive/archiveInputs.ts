/**
 * Archive a day's raw exports immutably: copy each landed file into archive/<date>/ and write a
 * manifest with its sha256. Idempotent: archiving identical content again is a no-op. Different
 * content for an archived day is refused (non-retryable): the archive is what a disaster-recovery
 * replay rebuilds the warehouse from, so it must never change silently.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONTRACTS, SOURCE_NAMES } from '../contracts';
import { badInput } from '../errors';
import type { DataLayout } from '../files/layout';
import { archiveDir, manifestFile, manifestSchema, type ArchiveManifest } from './archiveLayout';
import { fileDigest } from './fileDigest';

export interface ArchiveSummary {
  businessDate: string;
  manifest: string;
  /** false when the identical day was archived before. */
  written: boolean;
  files: number;
  bytes: number;
}

export async function archiveInputs(layout: DataLayout, businessDate: string): Promise<ArchiveSummary> {
  const files: ArchiveManifest['files'] = [];
  for (const source of SOURCE_NAMES) {
    const digest = await fileDigest(layout.landingFile(businessDate, source));
    files.push({ name: CONTRACTS[source].fileName, ...digest });
  }
  const manifest: ArchiveManifest = { businessDate, files };
  const dir = archiveDir(layout.dataDir, businessDate);
  const manifestPath = manifestFile(layout.dataDir, businessDate);
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);

  if (existsSync(manifestPath)) {
    const archived = manifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
    const changed = files.filter((f) => archived.files.find((a) => a.name === f.name)?.sha256 !== f.sha256).map((f) => f.name);
    if (changed.length > 0) {
      throw badInput(
        `the archive of ${businessDate} already holds different content for ${changed.join(', ')} (${dir}); archives are never overwritten. ` +
          `If the new files are a deliberate correction, move ${dir} aside (e.g. to archive-superseded/) after review and start the day again; otherwise restore the landed files from the archive.`,
        'ArchiveConflict',
      );
    }
    return { businessDate, manifest: manifestPath, written: false, files: files.length, bytes };
  }

  // Copy to temporary names, then rename, and write the manifest last: a crash leaves no manifest,
  // so a retry archives again instead of trusting half-copied files.
  mkdirSync(dir, { recursive: true });
  for (const source of SOURCE_NAMES) {
    const target = path.join(dir, CONTRACTS[source].fileName);
    copyFileSync(layout.landingFile(businessDate, source), `${target}.tmp`);
    renameSync(`${target}.tmp`, target);
  }
  // Verify the copies, not only the originals: the archive is worth what its checksums prove.
  for (const f of files) {
    if ((await fileDigest(path.join(dir, f.name))).sha256 !== f.sha256) throw new Error(`archive copy of ${f.name} for ${businessDate} does not match its source; retrying`);
  }
  writeFileSync(`${manifestPath}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${manifestPath}.tmp`, manifestPath);
  return { businessDate, manifest: manifestPath, written: true, files: files.length, bytes };
}
