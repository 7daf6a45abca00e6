/**
 * Writes rows to a snappy-compressed Parquet file through Arrow. Rows are converted in batches of
 * ROW_GROUP_ROWS, which is also the Parquet row-group size.
 */
import { Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm/node';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ColumnSpec, TypedRow } from '../contracts';
import { buildVectors } from './arrowColumns';

export const ROW_GROUP_ROWS = 128 * 1024;

export class ParquetFileWriter {
  private readonly batches: RecordBatch[] = [];
  private pending: TypedRow[] = [];
  rows = 0;

  constructor(readonly filePath: string, private readonly columns: readonly ColumnSpec[]) {}

  add(row: TypedRow): void {
    this.pending.push(row);
    this.rows += 1;
    if (this.pending.length >= ROW_GROUP_ROWS) this.seal();
  }

  /** Write the file under a temporary name, then rename: readers never see half a file. */
  close(): void {
    this.seal();
    const table = this.batches.length > 0 ? new Table(this.batches) : new Table(buildVectors(this.columns, []));
    const properties = new WriterPropertiesBuilder()
      .setCompression(Compression.SNAPPY)
      .setMaxRowGroupSize(ROW_GROUP_ROWS)
      .build();
    const bytes = writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), properties);
    mkdirSync(path.dirname(this.filePath), { recursive: true });
    const temporary = `${this.filePath}.partial-${process.pid}`;
    writeFileSync(temporary, bytes);
    renameSync(temporary, this.filePath);
  }

  private seal(): void {
    if (this.pending.length === 0) return;
    this.batches.push(...new Table(buildVectors(this.columns, this.pending)).batches);
    this.pending = [];
  }
}
