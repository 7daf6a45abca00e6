/**
 * Arrow types for staged columns, derived from the contract's storage kinds: the Parquet schema is
 * never written by hand. Money is Int64 cents; timestamps are UTC milliseconds.
 */
import { Int32, Int64, TimestampMillisecond, Utf8, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import type { ColumnSpec, TypedRow } from '../contracts';
import type { StorageKind } from '../contracts/columns';

const ARROW_TYPES: Record<StorageKind, () => DataType> = {
  string: () => new Utf8(),
  int32: () => new Int32(),
  cents: () => new Int64(),
  timestamp: () => new TimestampMillisecond('UTC'),
};

export function arrowTypeOf(column: ColumnSpec): DataType {
  return ARROW_TYPES[column.storage]();
}

/** One Arrow vector per column from a batch of rows. */
export function buildVectors(columns: readonly ColumnSpec[], rows: readonly TypedRow[]): Record<string, Vector> {
  const vectors: Record<string, Vector> = {};
  for (const column of columns) {
    const values = rows.map((row) => {
      const value = row[column.name] ?? null;
      if (value === null) {
        if (!column.nullable) throw new Error(`staged column ${column.name} is null in source line ${row.source_line}`);
        return null;
      }
      return column.storage === 'cents' ? BigInt(value) : value;
    });
    vectors[column.name] = vectorFromArray(values, arrowTypeOf(column));
  }
  return vectors;
}
