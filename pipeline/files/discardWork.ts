/**
 * After a cancelled run: remove what the day's run wrote before staging (hash partitions, pending
 * Parquet parts, temporary files of writers a cancelled thread never closed). None of it is staged
 * truth, but a pending folder left behind would wait to be published by a later stage step, and
 * half-written temporaries only waste disk. Staged folders and the archive are not touched.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { DataLayout } from '../../domain/layout';
import { isS3 } from '../../domain/storage';

export interface DiscardSummary {
  workRemoved: boolean;
  temporaryFilesRemoved: number;
}

/** Writers' temporary names (bufferedWriter.ts, the transform's parts): `<final name>.partial-<pid>`. */
const TEMPORARY = /\.partial-\d+$/;

export function discardWork(layout: DataLayout, businessDate: string): DiscardSummary {
  const work = layout.workDir(businessDate);
  const workRemoved = existsSync(work);
  rmSync(work, { recursive: true, force: true });
  const quarantine = layout.quarantineDir(businessDate);
  // Nothing writes temporaries into a quarantine prefix on S3 (a PUT is whole or nothing).
  const temporaries = !isS3(quarantine) && existsSync(quarantine) ? readdirSync(quarantine).filter((name) => TEMPORARY.test(name)) : [];
  for (const name of temporaries) rmSync(path.join(quarantine, name), { force: true });
  return { workRemoved, temporaryFilesRemoved: temporaries.length };
}
