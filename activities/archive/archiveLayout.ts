/**
 * Where archived raw inputs live: archive/<date>/<source file> plus archive/<date>/manifest.json.
 * Kept apart from DataLayout (another owner) so the archive can move to other storage on its own.
 */
import path from 'node:path';
import { z } from 'zod';

export const manifestSchema = z.object({
  businessDate: z.string(),
  files: z.array(z.object({ name: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});
export type ArchiveManifest = z.infer<typeof manifestSchema>;

export function archiveDir(dataDir: string, businessDate: string): string {
  return path.join(dataDir, 'archive', businessDate);
}

export function manifestFile(dataDir: string, businessDate: string): string {
  return path.join(archiveDir(dataDir, businessDate), 'manifest.json');
}
