/**
 * Put an archived day back into landing/<date>/ for a replay, after checking every file against the
 * manifest's sha256. A damaged archive fails non-retryably and names the file: replaying it would
 * rebuild the warehouse from wrong data.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { badInput } from '../errors';
import type { DataLayout } from '../files/layout';
import { archiveDir, manifestFile, manifestSchema } from './archiveLayout';
import { fileDigest } from './fileDigest';

export interface RestoreSummary {
  businessDate: string;
  files: number;
  bytes: number;
}

export async function restoreLanding(layout: DataLayout, businessDate: string): Promise<RestoreSummary> {
  const manifestPath = manifestFile(layout.dataDir, businessDate);
  if (!existsSync(manifestPath)) {
    throw badInput(`no archive for ${businessDate} (${manifestPath} is missing): that day was never loaded successfully, so there is nothing to replay. Leave it out of the range or land its files and run dailyLoad.`, 'ArchiveMissing');
  }
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  const dir = archiveDir(layout.dataDir, businessDate);
  for (const f of manifest.files) {
    const digest = await fileDigest(path.join(dir, f.name));
    if (digest.sha256 !== f.sha256) {
      throw badInput(`archived ${f.name} of ${businessDate} does not match its manifest checksum: the archive is damaged. Restore ${dir} from a copy before replaying this day.`, 'ArchiveDamaged');
    }
  }
  const landing = layout.landingDir(businessDate);
  mkdirSync(landing, { recursive: true });
  for (const f of manifest.files) {
    const target = path.join(landing, f.name);
    if (existsSync(target) && (await fileDigest(target)).sha256 === f.sha256) continue;
    copyFileSync(path.join(dir, f.name), `${target}.restoring`);
    renameSync(`${target}.restoring`, target);
  }
  return { businessDate, files: manifest.files.length, bytes: manifest.files.reduce((s, f) => s + f.bytes, 0) };
}
