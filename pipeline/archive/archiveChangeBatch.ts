/**
 * Archive a change batch's raw files immutably before anything is staged: copies in
 * archive/changes/<batch id>/ with a manifest of sha256 (written last, after the copies are
 * verified), so replayLoad can re-apply the batch after a disaster. Archiving the same bytes again
 * is a no-op. A file added to the batch later is archived beside the others; different bytes for an
 * archived file are refused (non-retryable): a correction is a new batch with a later id.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '../../domain/writeFileAtomically';
import { fileDigest } from './fileDigest';
import { badInput } from '../../domain/failures';
import type { DataLayout } from '../../domain/layout';
import { batchDateOf } from '../land/batchId';
import { changeArchiveDir, changeManifestFile, changeManifestSchema, type ChangeArchiveManifest } from './changeArchiveLayout';
import { landedChangeFiles } from '../land/changeFiles';

export interface ArchivedChangeBatch {
  batchId: string;
  batchDate: string;
  /** The batch's landed files as archived: what the change manifest records once the batch is applied. */
  files: ChangeArchiveManifest['files'];
  /** false when every landed file was archived before. */
  written: boolean;
}

export async function archiveChangeBatch(layout: DataLayout, batchId: string): Promise<ArchivedChangeBatch> {
  const landed = landedChangeFiles(layout, batchId);
  const files: ChangeArchiveManifest['files'] = [];
  for (const file of landed) files.push({ name: file.name, ...(await fileDigest(file.path)) });
  const dir = changeArchiveDir(layout, batchId);
  const manifestPath = changeManifestFile(layout, batchId);
  const archived = existsSync(manifestPath) ? changeManifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8'))).files : [];

  const changed = files.filter((f) => archived.some((a) => a.name === f.name && a.sha256 !== f.sha256)).map((f) => f.name);
  if (changed.length > 0) {
    throw badInput(
      `the archive of change batch ${batchId} already holds different content for ${changed.join(', ')} (${dir}); archived batches are never overwritten. ` +
        'Land the corrected rows as a new change batch with a later id (its updated_at decides which version wins); restore this batch\'s landed files from the archive.',
      'ArchiveConflict',
    );
  }
  const added = files.filter((f) => !archived.some((a) => a.name === f.name));
  if (added.length === 0) return { batchId, batchDate: batchDateOf(batchId), files, written: false };

  // Copy under temporary names, verify the copies, write the manifest last: a crash leaves the old
  // manifest (or none), so the retry archives again instead of trusting half-copied files.
  mkdirSync(dir, { recursive: true });
  for (const f of added) {
    const target = path.join(dir, f.name);
    copyFileSync(layout.changeBatchFile(batchId, landed.find((l) => l.name === f.name)!.source), `${target}.tmp`);
    renameSync(`${target}.tmp`, target);
    if ((await fileDigest(target)).sha256 !== f.sha256) throw new Error(`archive copy of ${f.name} of change batch ${batchId} does not match its source; retrying`);
  }
  const manifest: ChangeArchiveManifest = { batchId, files: [...archived, ...added].sort((a, b) => (a.name < b.name ? -1 : 1)) };
  writeFileAtomically(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { batchId, batchDate: batchDateOf(batchId), files, written: true };
}
