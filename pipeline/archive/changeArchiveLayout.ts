/**
 * Where archived change batches live: archive/changes/<batch id>/<file> plus manifest.json, beside
 * the archived days (archive/<date>/, pipeline/archive/archiveLayout.ts, whose file entries this
 * manifest shares). A batch id is never a date, so listings of archived days skip this folder.
 */
import path from 'node:path';
import { z } from 'zod';
import { archiveDir, manifestSchema } from './archiveLayout';
import type { DataLayout } from '../../domain/layout';
import { assertBatchId } from '../land/batchId';

export const changeManifestSchema = z.object({
  batchId: z.string(),
  files: manifestSchema.shape.files,
});
export type ChangeArchiveManifest = z.infer<typeof changeManifestSchema>;

export function changeArchiveRoot(layout: DataLayout): string {
  return archiveDir(layout, 'changes');
}

export function changeArchiveDir(layout: DataLayout, batchId: string): string {
  return layout.storage.join(changeArchiveRoot(layout), assertBatchId(batchId));
}

export function changeManifestFile(layout: DataLayout, batchId: string): string {
  return path.join(changeArchiveDir(layout, batchId), 'manifest.json');
}
