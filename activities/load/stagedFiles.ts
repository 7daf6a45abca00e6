/** The staged Parquet files of a source's month: the unit of truth a load rebuilds the month from. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { BATCH_ID_PATTERN } from '../changes/batchId';
import type { SourceName } from '../contracts';
import type { DataLayout } from '../files/layout';

/** A business date's export (date=YYYY-MM-DD) or a change batch's rows of the month (changes=<batch id>). */
const STAGED_FOLDER = new RegExp(`^(date=\\d{4}-\\d{2}-\\d{2}|changes=${BATCH_ID_PATTERN})$`);

/** The staged folders of a source's month: one per business date (date=...) and per change batch (changes=...). */
export function stagedFoldersOfMonth(layout: DataLayout, source: SourceName, businessDate: string): string[] {
  const month = layout.stagingMonthDir(source, businessDate);
  if (!existsSync(month)) return [];
  // Anything else (a folder being replaced by a re-run, a temporary file) is not staged truth. Which
  // version of a key wins is decided by the fact build (latest updated_at), not by the order of files.
  return readdirSync(month)
    .filter((name) => STAGED_FOLDER.test(name))
    .sort()
    .map((folder) => path.join(month, folder));
}

export function stagedFilesOfMonth(layout: DataLayout, source: SourceName, businessDate: string): string[] {
  return stagedFoldersOfMonth(layout, source, businessDate).flatMap((folder) =>
    readdirSync(folder)
      .filter((name) => name.endsWith('.parquet'))
      .sort()
      .map((name) => path.join(folder, name)),
  );
}
