/**
 * Put an archived change batch back into landing/changes/<batch id>/ for a replay, after checking
 * every file against the manifest's sha256. A damaged archive fails non-retryably and names the file.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { fileDigest } from './fileDigest';
import { badInput } from '../../domain/failures';
import type { DataLayout } from '../../domain/layout';
import { changeArchiveDir, changeManifestFile, changeManifestSchema } from './changeArchiveLayout';

export interface RestoredChangeBatch {
  batchId: string;
  files: number;
  bytes: number;
}

export async function restoreChangeBatch(layout: DataLayout, batchId: string): Promise<RestoredChangeBatch> {
  const manifestPath = changeManifestFile(layout, batchId);
  if (!existsSync(manifestPath)) throw badInput(`no archive for change batch ${batchId} (${manifestPath} is missing): it was never applied, so there is nothing to replay`, 'ArchiveMissing');
  const manifest = changeManifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  const dir = changeArchiveDir(layout, batchId);
  for (const f of manifest.files) {
    if ((await fileDigest(path.join(dir, f.name))).sha256 !== f.sha256) {
      throw badInput(`archived ${f.name} of change batch ${batchId} does not match its manifest checksum: the archive is damaged. Restore ${dir} from a copy before replaying it.`, 'ArchiveDamaged');
    }
  }
  const landing = layout.changeBatchDir(batchId);
  mkdirSync(landing, { recursive: true });
  for (const f of manifest.files) {
    const target = path.join(landing, f.name);
    if (existsSync(target) && (await fileDigest(target)).sha256 === f.sha256) continue;
    copyFileSync(path.join(dir, f.name), `${target}.restoring`);
    renameSync(`${target}.restoring`, target);
  }
  return { batchId, files: manifest.files.length, bytes: manifest.files.reduce((sum, f) => sum + f.bytes, 0) };
}
