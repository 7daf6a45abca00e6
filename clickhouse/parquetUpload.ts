/**
 * Loads staged Parquet files into a table, by one of two routes (uploadRoute()):
 *
 * - `path`: the engine reads the file itself through file(): embedded chDB (in process), and the
 *   data folder's own chDB server (co-located: its user_files_path is the data folder,
 *   WarehouseConfig.sharedFiles). No bytes pass through this process.
 * - `http`: this process streams the file's bytes in the INSERT's body (FORMAT Parquet): a server
 *   named by CLICKHOUSE_URL, which may run elsewhere and need not see this machine's files.
 *
 * - `s3`: a staged file on S3 (a `remote` reader given): the engine reads it itself with s3(),
 *   whichever server it is (domain/storage.ts).
 *
 * Columns are matched by name, and a column a file lacks gets its type's default (NULL for
 * Nullable): a month's older files, staged before a calculated column was added, still load. That
 * setting is the statement's own (a SETTINGS clause, or the HTTP request's), never the session's.
 */
import { createReadStream } from 'node:fs';
import type { Warehouse } from './client';
import { assertIdentifier } from './client';
import { settingsClause } from './settingsClause';

export interface UploadColumn {
  name: string;
  /** ClickHouse type, e.g. `Nullable(String)`. */
  type: string;
}

export type UploadRoute = 'path' | 'http';

const TYPE = /^[A-Za-z0-9_(), ']+$/;
const SETTINGS = { input_format_parquet_allow_missing_columns: 1 } as const;

export function uploadRoute(warehouse: Pick<Warehouse, 'sharedFiles'>): UploadRoute {
  return warehouse.sharedFiles ? 'path' : 'http';
}

/** How the engine reads a file that is not on this machine (domain/storage.ts Storage). */
export interface RemoteFiles {
  tableFunction(ref: string, param: string, format: string, structure?: string): { sql: string; params: Record<string, string> };
}

export async function uploadParquet(warehouse: Warehouse, table: string, columns: readonly UploadColumn[], files: readonly string[], remote?: RemoteFiles): Promise<void> {
  assertIdentifier(table, 'table');
  for (const column of columns) {
    assertIdentifier(column.name, 'column');
    if (!TYPE.test(column.type)) throw new Error(`column ${column.name} has an unexpected type ${column.type}`);
  }
  const columnList = columns.map((c) => c.name).join(', ');
  const structure = columns.map((c) => `${c.name} ${c.type}`).join(', ');
  for (const file of files) {
    if (remote) {
      const source = remote.tableFunction(file, 'file', 'Parquet', '{structure:String}');
      await warehouse.client.command({
        query: `INSERT INTO ${table} (${columnList}) SELECT ${columnList} FROM ${source.sql} ${settingsClause(SETTINGS)}`,
        query_params: { ...source.params, structure },
      });
    } else if (uploadRoute(warehouse) === 'path') {
      await warehouse.client.command({
        query: `INSERT INTO ${table} (${columnList}) SELECT ${columnList} FROM file({file:String}, Parquet, {structure:String}) ${settingsClause(SETTINGS)}`,
        query_params: { file, structure },
      });
    } else {
      // Only ever a server (embedded chDB takes the path route), which scopes these to the request.
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
