/**
 * Change batches in tests: land hand-made change rows, apply a batch with the real activities in the
 * order changeBatchLoad runs them (outside Temporal), and fingerprint partitions to prove which ones
 * a step rebuilt.
 */
import Papa from 'papaparse';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createActivities } from '../../activities';
import type { ChangeStageSummary } from '../../pipeline/changes/stageChangeBatch';
import { AGGREGATES } from '../../pipeline/build/warehouseTables';
import { changeFileColumns, type ChangeSource } from '../../domain/contracts/changes';
import type { PipelineSettings } from '../../domain/settings/index';
import { assertIdentifier, type Warehouse } from '../../clickhouse/client';
import type { DataLayout } from '../../domain/layout';
import { activityEnvironment } from './activityEnvironment';
import { rows } from './warehouse';

export type CsvRow = Record<string, string>;

/** The rows of a landed CSV (a day's export or a change file), as text. */
export function readCsv(file: string): CsvRow[] {
  return Papa.parse<CsvRow>(readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true }).data;
}

/** Write a change file of a batch (columns of the change contract, in its order). */
export function writeChangeFile(layout: DataLayout, batchId: string, source: ChangeSource, records: readonly CsvRow[]): string {
  const file = layout.changeBatchFile(batchId, source);
  mkdirSync(path.dirname(file), { recursive: true });
  const columns = changeFileColumns(source).map((c) => c.name);
  writeFileSync(file, `${Papa.unparse({ fields: columns, data: records.map((r) => columns.map((c) => r[c] ?? '')) }, { newline: '\n' })}\n`);
  return file;
}

let runs = 0;

/** archive -> stage -> load each month to rebuild -> record, as changeBatchLoad does. */
export async function applyChanges(settings: PipelineSettings, warehouse: Warehouse, batchId: string): Promise<ChangeStageSummary> {
  const activities = createActivities({ settings, warehouse });
  const env = activityEnvironment();
  const call = <A, R>(activity: (input: A) => Promise<R>, input: A) => env.run(activity, input) as Promise<R>;
  const startedAt = Date.now();
  const archived = await call(activities.archiveChangeBatch, batchId);
  const staged = await call(activities.stageChangeBatch, batchId);
  for (const { businessDate } of staged.months) await call(activities.loadWarehouse, { businessDate });
  runs += 1;
  await call(activities.recordChangeBatch, {
    batchId, runId: `test-run-${runs}`, workflowId: `changes-${batchId}`, kind: 'incremental', status: 'succeeded', startedAt, staged, files: archived.files,
  });
  return staged;
}

/**
 * Per table and month partition, the block-number range of its active parts. A rebuild (REPLACE
 * PARTITION) brings parts with new, higher block numbers; a background merge keeps the range, so an
 * untouched partition keeps its fingerprint (part names and modification times would change with a
 * merge, which is not a rebuild).
 */
export async function partitionFingerprints(warehouse: Warehouse, tables: readonly string[]): Promise<Record<string, string>> {
  // An aggregate is a view (migration 0016): its partitions are those of its states.
  const storedAs = new Map(tables.map((t) => [AGGREGATES.find((a) => a.view === t)?.state ?? t, t]));
  const found = await rows<{ table: string; partition_id: string; blocks: string }>(warehouse, `
    SELECT table, partition_id, concat(toString(min(min_block_number)), '-', toString(max(max_block_number)), ' rows ', toString(sum(rows))) AS blocks
    FROM system.parts
    WHERE database = currentDatabase() AND active AND table IN {tables:Array(String)} AND partition_id != 'all'
    GROUP BY table, partition_id
    ORDER BY table, partition_id`, { tables: [...storedAs.keys()] });
  return Object.fromEntries(found.map((p) => [`${storedAs.get(p.table)}/${p.partition_id}`, p.blocks]));
}

/**
 * Row count and content checksum per table that also sees rows holding a NULL: the shared
 * table_checksum.sql hashes cityHash64(*), which is NULL for any row with a NULL column (a canceled
 * order has no delivery date), so such rows drop out of it. cityHash64(tuple(*)) hashes them.
 */
export async function nullSafeChecksums(warehouse: Warehouse, tables: readonly string[]): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const table of tables) {
    const [row] = await rows<{ n: number | string; sum: string }>(warehouse, `SELECT count() AS n, toString(groupBitXor(cityHash64(tuple(*)))) AS sum FROM ${assertIdentifier(table, 'table')}`);
    sums[table] = `${row.n}:${row.sum}`;
  }
  return sums;
}
