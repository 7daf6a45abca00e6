/**
 * The cleaned rows of one source and business date (validated, deduplicated, enriched), read back
 * one row group at a time from the pending Parquet file: for quality checks and anyone else who
 * needs them before they are staged.
 */
import { tableFromIPC } from 'apache-arrow';
import { openAsBlob } from 'node:fs';
import { ParquetFile } from 'parquet-wasm/node';
import type { SourceName, TypedRow } from '../contracts';
import type { DataLayout } from './layout';

export async function* readCleanRows(layout: DataLayout, businessDate: string, source: SourceName): AsyncGenerator<TypedRow> {
  yield* readParquetRows(layout.pendingParquet(businessDate, source));
}

export async function* readParquetRows(filePath: string): AsyncGenerator<TypedRow> {
  const file = await ParquetFile.fromFile(await openAsBlob(filePath));
  try {
    const groups = file.metadata().numRowGroups();
    for (let group = 0; group < groups; group += 1) {
      const table = tableFromIPC((await file.read({ rowGroups: [group] })).intoIPCStream());
      const names = table.schema.fields.map((field) => field.name);
      const columns = names.map((name) => table.getChild(name)!);
      for (let i = 0; i < table.numRows; i += 1) {
        const row: TypedRow = {};
        for (let c = 0; c < names.length; c += 1) {
          const value = columns[c].get(i);
          row[names[c]] = typeof value === 'bigint' ? Number(value) : (value as string | number | null);
        }
        yield row;
      }
    }
  } finally {
    file.free();
  }
}
