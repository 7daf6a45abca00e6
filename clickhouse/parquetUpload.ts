/**
 * Loads Parquet files into a table. The two engines need different routes: chDB reads files in
 * process through file() (binary bodies do not pass through its client connection), a server
 * receives each file's bytes over HTTP.
 *
 * Columns are matched by name, and a column a file lacks gets its type's default (NULL for
 * Nullable): a month's older files, staged before a calculated column was added, still load.
 */
import { createReadStream } from 'node:fs';
import type { Warehouse } from './client';
import { assertIdentifier } from './client';

export interface UploadColumn {
  name: string;
  /** ClickHouse type, e.g. `Nullable(String)`. */
  type: string;
}

const TYPE = /^[A-Za-z0-9_(), ']+$/;
const SETTINGS = { input_format_parquet_allow_missing_columns: 1 } as const;

export async function uploadParquet(warehouse: Warehouse, table: string, columns: readonly UploadColumn[], files: readonly string[]): Promise<void> {
  assertIdentifier(table, 'table');
  for (const column of columns) {
    assertIdentifier(column.name, 'column');
    if (!TYPE.test(column.type)) throw new Error(`column ${column.name} has an unexpected type ${column.type}`);
  }
  const columnList = columns.map((c) => c.name).join(', ');
  const structure = columns.map((c) => `${c.name} ${c.type}`).join(', ');
  for (const file of files) {
    if (warehouse.mode === 'embedded') {
      await warehouse.client.command({
        query: `INSERT INTO ${table} (${columnList}) SELECT ${columnList} FROM file({file:String}, Parquet, {structure:String})`,
        query_params: { file, structure },
        clickhouse_settings: SETTINGS,
      });
    } else {
      await warehouse.client.insert({
        table,
        columns: columns.map((c) => c.name) as [string, ...string[]],
        values: createReadStream(file),
        format: 'Parquet',
        clickhouse_settings: SETTINGS,
      });
    }
  }
}
