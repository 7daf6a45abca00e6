/**
 * Writes a Parquet file (snappy) from batches of rows, one row group at a time, so memory holds one
 * row group however large the file. The file appears under its final name only when complete.
 */
import { tableToIPC } from 'apache-arrow';
import { Compression, Table as WasmTable, transformParquetStream, WriterPropertiesBuilder } from 'parquet-wasm/node';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { ColumnSpec, TypedRow } from '../contracts';
import { arrowTable } from './arrowBatch';

/** Rows per row group: large enough for good compression, small enough for bounded memory. */
export const ROW_GROUP_ROWS = 128 * 1024;

export async function writeParquetFile(filePath: string, columns: readonly ColumnSpec[], batches: AsyncIterable<TypedRow[]>): Promise<number> {
  const properties = new WriterPropertiesBuilder()
    .setCompression(Compression.SNAPPY)
    .setMaxRowGroupSize(ROW_GROUP_ROWS)
    .build();
  const iterator = batches[Symbol.asyncIterator]();
  let rows = 0;
  let wroteAny = false;
  // parquet-wasm pulls record batches from a web stream; each pull converts one batch of rows.
  const recordBatches = new ReadableStream({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done && wroteAny) return controller.close();
      const batch = next.done ? [] : next.value; // an empty file still gets its schema
      wroteAny = true;
      rows += batch.length;
      const table = WasmTable.fromIPCStream(tableToIPC(arrowTable(columns, batch), 'stream'));
      for (const recordBatch of table.recordBatches()) controller.enqueue(recordBatch);
      if (next.done) controller.close();
    },
    async cancel() {
      await iterator.return?.();
    },
  });

  mkdirSync(path.dirname(filePath), { recursive: true });
  const temporary = `${filePath}.partial-${process.pid}`;
  try {
    const bytes = await transformParquetStream(recordBatches, properties);
    await bytes.pipeTo(Writable.toWeb(createWriteStream(temporary)));
    renameSync(temporary, filePath);
    return rows;
  } catch (error) {
    rmSync(temporary, { force: true });
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
