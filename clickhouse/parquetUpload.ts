/**
 * Loads Parquet files into a table. The two engines need different routes: chDB reads files in
 * process through file() (binary bodies do not pass through its client connection), a server
 * receives each file's bytes over HTTP.
 */
import { createReadStream } from 'node:fs';
import type { Warehouse } from './client';
import { assertIdentifier } from './client';

export async function uploadParquet(warehouse: Warehouse, table: string, columns: readonly string[], files: readonly string[]): Promise<void> {
  assertIdentifier(table, 'table');
  const columnList = columns.map((c) => assertIdentifier(c, 'column')).join(', ');
  for (const file of files) {
    if (warehouse.mode === 'embedded') {
      await warehouse.client.command({
        query: `INSERT INTO ${table} (${columnList}) SELECT ${columnList} FROM file({file:String}, Parquet)`,
        query_params: { file },
      });
    } else {
      await warehouse.client.insert({ table, columns: [...columns] as [string, ...string[]], values: createReadStream(file), format: 'Parquet' });
    }
  }
}
