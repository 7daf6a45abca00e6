/**
 * Raw tables receive staged Parquet as is; their ClickHouse types come from the same source contract
 * as the Parquet schema, so the two cannot drift apart.
 */
import type { ColumnSpec } from '../contracts';
import type { StorageKind } from '../contracts/columns';

const CLICKHOUSE_TYPES: Record<StorageKind, string> = {
  string: 'String',
  int32: 'Int32',
  cents: 'Int64',
  timestamp: "DateTime64(3, 'UTC')",
};

export function clickhouseTypeOf(column: ColumnSpec): string {
  const type = CLICKHOUSE_TYPES[column.storage];
  return column.nullable ? `Nullable(${type})` : type;
}

export function createRawTableSql(table: string, columns: readonly ColumnSpec[]): string {
  const definitions = columns.map((column) => `${column.name} ${clickhouseTypeOf(column)}`).join(', ');
  return `CREATE TABLE ${table} (${definitions}) ENGINE = MergeTree ORDER BY tuple()`;
}
