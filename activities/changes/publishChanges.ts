/**
 * Write a change batch's staged rows of one source as snappy Parquet, a folder per month, and publish
 * them into staging/<source>/year=YYYY/month=MM/changes=<batch id>/ the way stageSource publishes a
 * day (publishStagedFolder): every folder is written under work/changes/<batch id>/ first, then each
 * is moved in with a rename, so a crash leaves a month with the old folder, the new one or none, and
 * the retry writes them all again. Rows are sorted first:
 * the same batch always stages the same bytes.
 */
import path from 'node:path';
import type { TypedRow } from '../contracts';
import { stagedChangeColumns, type ChangeSource } from '../contracts/changes';
import type { DataLayout } from '../files/layout';
import { inRowGroups, writeParquetParts } from '../stage/parquetStream';
import { publishStagedFolder } from '../stage/publishStagedFolder';

export interface PendingChanges {
  source: ChangeSource;
  /** Written under work/changes/<batch id>/, waiting to be published. */
  dir: string;
  /** Where it is published. */
  staged: string;
  rows: number;
}

/** Write the rows of each month under the batch's work folder; nothing is published yet. */
export async function writePendingChanges(layout: DataLayout, source: ChangeSource, batchId: string, rows: readonly TypedRow[]): Promise<PendingChanges[]> {
  const byMonth = new Map<string, TypedRow[]>();
  for (const row of rows) {
    const month = String(row.business_date).slice(0, 7);
    const list = byMonth.get(month);
    if (list) list.push(row);
    else byMonth.set(month, [row]);
  }
  const pending: PendingChanges[] = [];
  for (const month of [...byMonth.keys()].sort()) {
    const monthRows = byMonth.get(month)!.sort(stagingOrder);
    const dir = path.join(layout.changeWorkDir(batchId), source, `month=${month}`);
    await writeParquetParts(dir, stagedChangeColumns(source), inRowGroups(each(monthRows)));
    pending.push({ source, dir, staged: layout.stagedChangesDir(source, String(monthRows[0].business_date), batchId), rows: monthRows.length });
  }
  return pending;
}

/** Move each written month into staging (the published truth the month build reads). */
export function publishPendingChanges(pending: readonly PendingChanges[]): void {
  for (const { dir, staged } of pending) publishStagedFolder(dir, staged);
}

function stagingOrder(a: TypedRow, b: TypedRow): number {
  if (a.business_date !== b.business_date) return String(a.business_date) < String(b.business_date) ? -1 : 1;
  return Number(a.source_line) - Number(b.source_line);
}

async function* each(rows: readonly TypedRow[]): AsyncGenerator<TypedRow> {
  yield* rows;
}
