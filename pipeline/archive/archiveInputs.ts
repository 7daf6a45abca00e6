/**
 * Archive a day's raw exports immutably: encrypt each landed file into archive/<date>/ (the exports
 * hold personal data; see archiveCipher.ts) and write a manifest with the sha256 of each file's
 * plaintext, i.e. of the landed file, so a re-landed day is compared without decrypting anything.
 * Idempotent: archiving identical content again is a no-op. Different content for an archived day
 * is refused (non-retryable): the archive is what a disaster-recovery replay rebuilds the warehouse
 * from, so it must never change silently.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { isS3 } from '../../domain/storage';
import { CONTRACTS, SOURCE_NAMES } from '../../domain/contracts';
import { badInput } from '../../domain/failures';
import type { DataLayout } from '../../domain/layout';
import { personalDataKeysInUse, type PersonalDataKeys } from '../../domain/security/personalDataKeys';
import { encryptFile, readArchivedFile } from './archiveCipher';
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

/**
 * `keys`: the personal-data keys (absent: the development keys, outside prod). The bytes pass through
 * this process: the encryption is JavaScript's (archiveCipher.ts). With the archive on S3 each file
 * is encrypted into the day's work folder, checked, and uploaded in one PUT.
 */
export async function archiveInputs(layout: DataLayout, businessDate: string, keys?: PersonalDataKeys): Promise<ArchiveSummary> {
  const { storage } = layout;
  const files: ArchiveManifest['files'] = [];
  for (const source of SOURCE_NAMES) {
    const digest = await fileDigest(await storage.readStream(layout.landingFile(businessDate, source)));
    files.push({ name: CONTRACTS[source].fileName, ...digest });
  }
  const manifest: ArchiveManifest = { businessDate, files };
  const dir = archiveDir(layout, businessDate);
  const manifestPath = manifestFile(layout, businessDate);
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);

  if (await storage.exists(manifestPath)) {
    const archived = manifestSchema.parse(JSON.parse((await storage.readBytes(manifestPath)).toString('utf8')));
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

  // Encrypt to temporary names, then rename (or upload), and write the manifest last: a crash leaves
  // no manifest, so a retry archives again instead of trusting half-written files.
  const { cipher } = personalDataKeysInUse(keys);
  const remote = isS3(dir);
  const scratch = remote ? path.join(layout.workDir(businessDate), 'archive.partial') : dir;
  mkdirSync(scratch, { recursive: true });
  for (const source of SOURCE_NAMES) {
    const name = CONTRACTS[source].fileName;
    const target = path.join(scratch, name);
    await encryptFile(await storage.readStream(layout.landingFile(businessDate, source)), `${target}.tmp`, cipher, { businessDate, name });
    renameSync(`${target}.tmp`, target);
  }
  // Verify the archived files by decrypting them, not only the originals: the archive is worth what
  // its checksums prove.
  for (const f of files) {
    const archived = await readArchivedFile(path.join(scratch, f.name), cipher.all, { businessDate, name: f.name });
    if (archived.sha256 !== f.sha256) throw new Error(`archive copy of ${f.name} for ${businessDate} does not match its source; retrying`);
  }
  if (remote) {
    for (const f of files) await storage.upload(path.join(scratch, f.name), storage.join(dir, f.name));
    rmSync(scratch, { recursive: true, force: true });
  }
  await storage.write(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { businessDate, manifest: manifestPath, written: true, files: files.length, bytes };
}
