/** The staged Parquet files of a source's month: the unit of truth a load rebuilds the month from. */
import { BATCH_ID_PATTERN } from '../land/batchId';
import type { SourceName } from '../../domain/contracts';
import type { DataLayout } from '../../domain/layout';

/** A business date's export (date=YYYY-MM-DD) or a change batch's rows of the month (changes=<batch id>). */
const STAGED_FOLDER = new RegExp(`^(date=\\d{4}-\\d{2}-\\d{2}|changes=${BATCH_ID_PATTERN})$`);

/** The staged folders of a source's month: one per business date (date=...) and per change batch (changes=...). */
export async function stagedFoldersOfMonth(layout: DataLayout, source: SourceName, businessDate: string): Promise<string[]> {
  const month = layout.stagingMonthDir(source, businessDate);
  // Anything else (a folder being replaced by a re-run, a temporary file) is not staged truth. Which
  // version of a key wins is decided by the fact build (latest updated_at), not by the order of files.
  return (await layout.storage.list(month)).filter((name) => STAGED_FOLDER.test(name)).map((folder) => layout.storage.join(month, folder));
}

export async function stagedFilesOfMonth(layout: DataLayout, source: SourceName, businessDate: string): Promise<string[]> {
  const files: string[] = [];
  for (const folder of await stagedFoldersOfMonth(layout, source, businessDate)) {
    for (const name of await layout.storage.list(folder)) if (name.endsWith('.parquet')) files.push(layout.storage.join(folder, name));
  }
  return files;
}
