/** The staged Parquet files of a source's month: the unit of truth a load rebuilds the month from. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { SourceName } from '../contracts';
import type { DataLayout } from '../files/layout';

export function stagedFilesOfMonth(layout: DataLayout, source: SourceName, businessDate: string): string[] {
  const month = layout.stagingMonthDir(source, businessDate);
  if (!existsSync(month)) return [];
  // Each business date is a folder date=YYYY-MM-DD of Parquet parts; anything else (a folder being
  // replaced by a re-run, a temporary file) is not staged truth.
  return readdirSync(month)
    .filter((name) => /^date=\d{4}-\d{2}-\d{2}$/.test(name))
    .sort()
    .flatMap((day) =>
      readdirSync(path.join(month, day))
        .filter((name) => name.endsWith('.parquet'))
        .sort()
        .map((name) => path.join(month, day, name)),
    );
}
