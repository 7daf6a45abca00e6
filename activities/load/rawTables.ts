/**
 * Raw tables receive staged Parquet as is; their ClickHouse types come from the same source contract
 * as the Parquet schema, so the two cannot drift apart. Load SQL reads the columns it needs from
 * them by name, so calculated columns added to the contract later do not disturb it.
 */
import type { UploadColumn } from '../../clickhouse/parquetUpload';
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

export function rawColumns(columns: readonly ColumnSpec[]): UploadColumn[] {
  return columns.map((column) => ({ name: column.name, type: clickhouseTypeOf(column) }));
}

export function createRawTableSql(table: string, columns: readonly ColumnSpec[]): string {
  const definitions = rawColumns(columns).map((column) => `${column.name} ${column.type}`).join(', ');
  return `CREATE TABLE ${table} (${definitions}) ENGINE = MergeTree ORDER BY tuple()`;
}
