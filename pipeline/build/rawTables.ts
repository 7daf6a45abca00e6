/**
 * Raw tables receive staged Parquet as is; their ClickHouse types come from the same source contract
 * as the Parquet schema, so the two cannot drift apart. Load SQL reads the columns it needs from
 * them by name, so calculated columns added to the contract later do not disturb it.
 *
 * Sources with change batches (orders, payments) also get the version columns (updated_at,
 * change_batch): a month holds files of daily exports (without them: NULL and '') and of change
 * batches in one raw table, and the fact build keeps the latest version of each key.
 */
import type { UploadColumn } from '../../clickhouse/parquetUpload';
import { stagedColumns, type ColumnSpec, type SourceName } from '../../domain/contracts';
import { isChangeSource, stagedChangeColumns } from '../../domain/contracts/changes';
import type { StorageKind } from '../../domain/contracts/columns';

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

/** The columns a month's raw table of `source` receives from its staged files. */
export function rawTableColumns(source: SourceName): ColumnSpec[] {
  return isChangeSource(source) ? stagedChangeColumns(source) : stagedColumns(source);
}
