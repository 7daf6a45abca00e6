/** The manifest of a warehouse backup: per table its Parquet file, sha256, rows and content checksum. */
import { z } from 'zod';

export const BACKUP_MANIFEST = 'manifest.json';

export const backupManifestSchema = z.object({
  createdAt: z.string(),
  /** Which table checksum (ops/backup/tableChecksum.ts) the manifest holds; absent: version 1. */
  checksumVersion: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(1),
  tables: z.array(z.object({
    table: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
    file: z.string().regex(/^[A-Za-z0-9_]+\.parquet$/),
    rows: z.number().int().nonnegative(),
    checksum: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    bytes: z.number().int().nonnegative(),
  })),
});
export type BackupManifest = z.infer<typeof backupManifestSchema>;
