/** The staged Parquet files of a source's month: the unit of truth a load rebuilds the month from. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { BATCH_ID_PATTERN } from '../changes/batchId';
import type { SourceName } from '../contracts';
import type { DataLayout } from '../files/layout';

/** A business date's export (date=YYYY-MM-DD) or a change batch's rows of the month (changes=<batch id>). */
const STAGED_FOLDER = new RegExp(`^(date=\\d{4}-\\d{2}-\\d{2}|changes=${BATCH_ID_PATTERN})$`);

export function stagedFilesOfMonth(layout: DataLayout, source: SourceName, businessDate: string): string[] {
  const month = layout.stagingMonthDir(source, businessDate);
  if (!existsSync(month)) return [];
  // Each business date is a folder date=YYYY-MM-DD of Parquet parts, each change batch touching the
  // month a folder changes=<batch id>; anything else (a folder being replaced by a re-run, a
  // temporary file) is not staged truth. Which version of a key wins is decided by the fact build
  // (latest updated_at), not by the order of files.
  return readdirSync(month)
    .filter((name) => STAGED_FOLDER.test(name))
    .sort()
    .flatMap((folder) =>
      readdirSync(path.join(month, folder))
        .filter((name) => name.endsWith('.parquet'))
        .sort()
        .map((name) => path.join(month, folder, name)),
    );
}
