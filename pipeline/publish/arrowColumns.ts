/**
 * Arrow types for staged columns, derived from the contract's storage kinds: the Parquet schema is
 * never written by hand. Money is Int64 cents; timestamps are UTC milliseconds.
 */
import { Int32, Int64, TimestampMillisecond, Utf8, type DataType } from 'apache-arrow';
import type { ColumnSpec } from '../../domain/contracts';
import type { StorageKind } from '../../domain/contracts/columns';

const ARROW_TYPES: Record<StorageKind, () => DataType> = {
  string: () => new Utf8(),
  int32: () => new Int32(),
  cents: () => new Int64(),
  timestamp: () => new TimestampMillisecond('UTC'),
};

export function arrowTypeOf(column: ColumnSpec): DataType {
  return ARROW_TYPES[column.storage]();
}
