/**
 * Writes JavaScript rows as a folder of snappy Parquet parts (part-0000.parquet, ...): a change batch's
 * rows of a month (changes/publishChanges.ts). A day's parts are written by the engine instead
 * (transform/transformSource.ts, parquetOutput.ts). Each part holds at most
 * PART_ROW_GROUPS row groups of ROW_GROUP_ROWS rows. Memory holds one part in columnar form: the
 * parquet-wasm writer keeps a whole file in wasm memory until it ends (measured: a 139 MB file took
 * 273 MB), so one file per day would grow with the day. The folder appears under its final name
 * only when every part is written.
 */
import { Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm/node';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ColumnSpec, TypedRow } from '../contracts';
import { arrowTable } from './arrowBatch';
import { ROW_GROUP_ROWS } from './parquetOutput';

/** Row groups per part file. */
export const PART_ROW_GROUPS = 1;

export function partName(index: number): string {
  return `part-${String(index).padStart(4, '0')}.parquet`;
}

const properties = () => new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setMaxRowGroupSize(ROW_GROUP_ROWS).build();

export async function writeParquetParts(dir: string, columns: readonly ColumnSpec[], batches: AsyncIterable<TypedRow[]>): Promise<{ rows: number; parts: number }> {
  const temporary = `${dir}.partial-${process.pid}`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  let rows = 0;
  let parts = 0;
  let pending: RecordBatch[] = [];
  const writePart = () => {
    const table = pending.length > 0 ? new Table(pending) : arrowTable(columns, []); // an empty day still has a schema
    writeFileSync(path.join(temporary, partName(parts)), writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), properties()));
    parts += 1;
    pending = [];
  };
  try {
    for await (const batch of batches) {
      rows += batch.length;
      pending.push(...arrowTable(columns, batch).batches);
      if (pending.length >= PART_ROW_GROUPS) writePart();
    }
    if (pending.length > 0 || parts === 0) writePart();
    rmSync(dir, { recursive: true, force: true });
    renameSync(temporary, dir);
    return { rows, parts };
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}

/** Regroup rows into batches of ROW_GROUP_ROWS. */
export async function* inRowGroups(rows: AsyncIterable<TypedRow>): AsyncGenerator<TypedRow[]> {
  let batch: TypedRow[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= ROW_GROUP_ROWS) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
