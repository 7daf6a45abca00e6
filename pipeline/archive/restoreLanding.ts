/**
 * Put an archived day back into landing/<date>/ for a replay, after checking every file against the
 * manifest's sha256. Encrypted archive files are decrypted (archiveCipher.ts; plaintext ones, from
 * before encryption, are copied) into temporary files beside their targets; only when every file
 * decrypted, authenticated and matched its checksum are they renamed into place. A damaged archive
 * fails non-retryably and names the file: replaying it would rebuild the warehouse from wrong data.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { badInput } from '../../domain/failures';
import type { DataLayout } from '../../domain/layout';
import { personalDataKeysInUse, type PersonalDataKeys } from '../../domain/security/personalDataKeys';
import { ArchiveCipherError, readArchivedFile } from './archiveCipher';
import { archiveDir, manifestFile, manifestSchema } from './archiveLayout';
import { fileDigest } from './fileDigest';

export interface RestoreSummary {
  businessDate: string;
  files: number;
  bytes: number;
}

/** `keys`: the personal-data keys, current and previous (absent: the development keys, outside prod). */
export async function restoreLanding(layout: DataLayout, businessDate: string, keys?: PersonalDataKeys): Promise<RestoreSummary> {
  const manifestPath = manifestFile(layout, businessDate);
  if (!existsSync(manifestPath)) {
    throw badInput(`no archive for ${businessDate} (${manifestPath} is missing): that day was never loaded successfully, so there is nothing to replay. Leave it out of the range or land its files and run dailyLoad.`, 'ArchiveMissing');
  }
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  const dir = archiveDir(layout, businessDate);
  const ring = personalDataKeysInUse(keys).cipher.all;
  const landing = layout.landingDir(businessDate);
  mkdirSync(landing, { recursive: true });
  const restoring = manifest.files.map((f) => ({ ...f, target: path.join(landing, f.name), temporary: path.join(landing, `${f.name}.restoring`) }));
  try {
    for (const f of restoring) {
      const damaged = (why: string) =>
        badInput(`archived ${f.name} of ${businessDate} does not match its manifest checksum: the archive is damaged. Restore ${dir} from a copy before replaying this day (${why}).`, 'ArchiveDamaged');
      let digest;
      try {
        digest = await readArchivedFile(path.join(dir, f.name), ring, { businessDate, name: f.name }, f.temporary);
      } catch (error) {
        if (error instanceof ArchiveCipherError && error.missingKey) throw badInput(`archived ${f.name} of ${businessDate} is ${error.message}: configure that key to replay this day`, 'ArchiveKeyMissing');
        if (error instanceof ArchiveCipherError) throw damaged(error.message);
        throw error;
      }
      if (digest.sha256 !== f.sha256) throw damaged('its content differs');
    }
    for (const f of restoring) {
      if (existsSync(f.target) && (await fileDigest(f.target)).sha256 === f.sha256) rmSync(f.temporary, { force: true });
      else renameSync(f.temporary, f.target);
    }
  } finally {
    for (const f of restoring) rmSync(f.temporary, { force: true });
  }
  return { businessDate, files: manifest.files.length, bytes: manifest.files.reduce((s, f) => s + f.bytes, 0) };
}
