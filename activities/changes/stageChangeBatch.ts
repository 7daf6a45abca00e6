/**
 * Stage a change batch: read each of its files through the change contract, clean the rows like the
 * daily transform does, look up the loaded version of every key in the warehouse, decide what each
 * row does (classifyChanges.ts), list every row that is not applied with its reason, and publish the
 * rows to stage under the business date of the row they change (publishChanges.ts). Returns the
 * months whose partitions must be rebuilt (only those holding an applied row) and the counts per
 * file: rows read = applied + already applied + quarantined + duplicates + dropped.
 *
 * Every file is read and checked before anything is published, so a bad file fails the batch with
 * nothing staged. Rows never leave this activity: the result is counts and paths.
 */
import { rmSync } from 'node:fs';
import type { Warehouse } from '../../clickhouse/client';
import { heartbeat } from '../activityContext';
import { changeFileColumns, type ChangeSource } from '../contracts/changes';
import type { DataLayout } from '../files/layout';
import type { SourcesSettings } from '../pipelineConfig';
import { batchDateOf } from './batchId';
import { cleanChangeRows } from './cleanChangeRows';
import { landedChangeFiles } from './changeFiles';
import { CHANGE_TARGETS, changeKeyOf } from './changeTargets';
import { classifyChanges } from './classifyChanges';
import { loadedVersions } from './loadedVersions';
import { publishPendingChanges, writePendingChanges, type PendingChanges } from './publishChanges';
import { readChangeRows } from './readChangeRows';
import { RowListing } from './rowListing';

export interface ChangeSourceAccount {
  source: ChangeSource;
  file: string;
  rowsRead: number;
  rowsApplied: number;
  rowsAlreadyApplied: number;
  rowsQuarantined: number;
  /** Repeated keys within the file: the latest updated_at (then the later line) was kept. */
  rowsDuplicate: number;
  /** Removed by a drop_row null strategy. */
  rowsDropped: number;
  /** The newest updated_at among the file's clean rows (epoch ms), or null when it had none. */
  newestUpdatedAt: number | null;
  quarantineFile: string;
  alreadyAppliedFile: string;
}

export interface MonthToRebuild {
  /** YYYYMM */
  month: number;
  /** A business date of the month with an applied row: what the month's load is started for. */
  businessDate: string;
  rowsApplied: number;
}

export interface ChangeStageSummary {
  batchId: string;
  batchDate: string;
  sources: ChangeSourceAccount[];
  /** Only months holding an applied row, oldest first: the partitions the batch rebuilds. */
  months: MonthToRebuild[];
  /** Rows written to staging (a row changing a key loaded on two dates counts twice). */
  stagedRows: number;
}

export async function stageChangeBatch(warehouse: Warehouse, layout: DataLayout, sources: SourcesSettings, batchId: string): Promise<ChangeStageSummary> {
  rmSync(layout.changeWorkDir(batchId), { recursive: true, force: true }); // a crashed attempt's leftovers
  const accounts: ChangeSourceAccount[] = [];
  const pending: PendingChanges[] = [];
  const months = new Map<number, MonthToRebuild>();
  try {
    for (const { source, path: file } of landedChangeFiles(layout, batchId)) {
      heartbeat({ batchId, source, step: 'read' });
      const columns = changeFileColumns(source);
      const quarantine = new RowListing(layout.changeQuarantineFile(batchId, source), columns);
      const alreadyApplied = new RowListing(layout.changeAlreadyAppliedFile(batchId, source), columns);
      try {
        const read = await readChangeRows(file, source, batchId, sources[source].dateFormats, quarantine);
        const cleaned = await cleanChangeRows(warehouse, source, read.rows, sources[source]);
        for (const { row, reason } of cleaned.broken) quarantine.addRow(file, row, reason);

        heartbeat({ batchId, source, step: 'look up loaded versions' });
        const versions = await loadedVersions(warehouse, source, batchId, cleaned.rows);
        const classified = classifyChanges(cleaned.rows, (row) => versions.get(changeKeyOf(source, row)), batchId);
        for (const row of classified.notLoaded) quarantine.addRow(file, row, notLoadedReason(source));
        for (const { row, reason } of classified.alreadyApplied) alreadyApplied.addRow(file, row, reason);
        await quarantine.close();
        await alreadyApplied.close();

        heartbeat({ batchId, source, step: 'write Parquet' });
        pending.push(...(await writePendingChanges(layout, source, batchId, classified.staged)));
        for (const [month, businessDate] of classified.months) {
          const entry = months.get(month) ?? { month, businessDate, rowsApplied: 0 };
          if (businessDate < entry.businessDate) entry.businessDate = businessDate;
          entry.rowsApplied += classified.appliedByMonth.get(month) ?? 0;
          months.set(month, entry);
        }
        accounts.push({
          source,
          file,
          rowsRead: read.rowsRead,
          rowsApplied: classified.applied,
          rowsAlreadyApplied: classified.alreadyApplied.length,
          rowsQuarantined: quarantine.rows,
          rowsDuplicate: cleaned.duplicates,
          rowsDropped: cleaned.dropped,
          newestUpdatedAt: cleaned.rows.reduce<number | null>((newest, row) => Math.max(newest ?? -Infinity, Number(row.updated_at)), null),
          quarantineFile: quarantine.filePath,
          alreadyAppliedFile: alreadyApplied.filePath,
        });
      } catch (error) {
        quarantine.abort();
        alreadyApplied.abort();
        throw error;
      }
    }
    // Every file passed: publish them all.
    publishPendingChanges(pending);
  } finally {
    rmSync(layout.changeWorkDir(batchId), { recursive: true, force: true });
  }
  return {
    batchId,
    batchDate: batchDateOf(batchId),
    sources: accounts,
    months: [...months.values()].sort((a, b) => a.month - b.month),
    stagedRows: pending.reduce((sum, p) => sum + p.rows, 0),
  };
}

function notLoadedReason(source: ChangeSource): string {
  const { noun, line } = CHANGE_TARGETS[source];
  return `not in the warehouse: no loaded ${noun} has this order_id and ${line}. Load the day it was exported on first, then land this row again in a new change batch (this file, renamed ${source}.csv, can be landed as it is)`;
}
