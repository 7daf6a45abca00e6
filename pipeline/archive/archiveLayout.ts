/**
 * Where archived raw inputs live: archive/<date>/<source file> plus archive/<date>/manifest.json.
 * Its root is DataLayout's `archive` root (CARTWHEEL_ARCHIVE_URL: a folder or an S3 prefix).
 */
import { z } from 'zod';
import type { DataLayout } from '../../domain/layout';

export const manifestSchema = z.object({
  businessDate: z.string(),
  files: z.array(z.object({ name: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});
export type ArchiveManifest = z.infer<typeof manifestSchema>;

/** The archive's root is the layout's (a folder, or an s3:// prefix: domain/storage.ts). */
export function archiveDir(layout: DataLayout, businessDate: string): string {
  return layout.archiveDir(businessDate);
}

export function manifestFile(layout: DataLayout, businessDate: string): string {
  return layout.storage.join(archiveDir(layout, businessDate), 'manifest.json');
}
