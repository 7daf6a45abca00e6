/**
 * Parquet parts read back as row objects, one row group at a time: for tests and tools that inspect
 * what a stage wrote. The pipeline itself never does this: quality checks are SQL over the parts
 * (pipeline/gate/cleanData.ts).
 */
import { tableFromIPC } from 'apache-arrow';
import { openAsBlob, readdirSync } from 'node:fs';
import path from 'node:path';
import { ParquetFile } from 'parquet-wasm/node';
import type { TypedRow } from '../../domain/contracts';

/** Every row of a folder of Parquet parts, in part order. */
export async function* readParquetParts(dir: string): AsyncGenerator<TypedRow> {
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.parquet')).sort()) {
    yield* readParquetRows(path.join(dir, name));
  }
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
