/**
 * Write a change batch's rows to stage of one source as snappy Parquet, a folder per month, and
 * publish them into staging/<source>/year=YYYY/month=MM/changes=<batch id>/ the way stageSource
 * publishes a day (publishStagedFolder): every folder is written under work/changes/<batch id>/
 * first, then each is moved in with a rename, so a crash leaves a month with the old folder, the new
 * one or none, and the retry writes them all again. The engine writes the parts from the batch's
 * decisions (changeDecisions.ts) like a day's (one row group of at most ROW_GROUP_ROWS rows per
 * part-NNNN.parquet, rows ordered by business date and line): the same batch stages the same bytes.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Warehouse } from '../../clickhouse/client';
import type { ChangeSource } from '../../domain/contracts/changes';
import type { DataLayout } from '../../domain/layout';
import { PARQUET_SETTINGS, ROW_GROUP_ROWS } from './parquetOutput';
import { publishStagedFolder } from './publishStagedFolder';
import { stagedMonthsSql, stagedPartSql } from '../changes/changeDecisions';

export interface PendingChanges {
  source: ChangeSource;
  /** Written under work/changes/<batch id>/, waiting to be published. */
  dir: string;
  /** Where it is published. */
  staged: string;
  rows: number;
}

/** Write the rows to stage of each month under the batch's work folder; nothing is published yet. */
export async function writePendingChanges(warehouse: Warehouse, layout: DataLayout, source: ChangeSource, batchId: string, decisions: string): Promise<PendingChanges[]> {
  const client = warehouse.client;
  const months = await (await client.query({ query: stagedMonthsSql(), query_params: { decisions }, format: 'JSONEachRow' }))
    .json<{ month: string; business_date: string; rows: number | string }>();
  const pending: PendingChanges[] = [];
  for (const { month, business_date, rows } of months) {
    const dir = path.join(layout.changeWorkDir(batchId), source, `month=${month}`);
    const temporary = `${dir}.partial-${process.pid}`;
    rmSync(temporary, { recursive: true, force: true });
    mkdirSync(temporary, { recursive: true });
    for (let part = 0; part * ROW_GROUP_ROWS < Number(rows); part += 1) {
      await client.command({
        query: `${stagedPartSql(source)}\n${PARQUET_SETTINGS}`,
        query_params: { decisions, month, batch: batchId, output: path.join(temporary, partName(part)), rows: ROW_GROUP_ROWS, offset: part * ROW_GROUP_ROWS },
      });
    }
    renameSync(temporary, dir);
    pending.push({ source, dir, staged: layout.stagedChangesDir(source, business_date, batchId), rows: Number(rows) });
  }
  return pending;
}

/** Move each written month into staging (the published truth the month build reads). */
export function publishPendingChanges(pending: readonly PendingChanges[]): void {
  for (const { dir, staged } of pending) publishStagedFolder(dir, staged);
}

function partName(index: number): string {
  return `part-${String(index).padStart(4, '0')}.parquet`;
}
