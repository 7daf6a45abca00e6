/**
 * How ClickHouse writes staged Parquet (INSERT INTO FUNCTION file(..., Parquet)): snappy pages, one
 * row group of at most ROW_GROUP_ROWS rows per part, the file replaced when it exists. Column types
 * are the staged contract's (transformSql.ts casts to them): String as UTF-8 strings, Int32, money
 * as Int64 cents, timestamps as Parquet TIMESTAMP(MILLIS, isAdjustedToUTC) from DateTime64(3, 'UTC'),
 * Nullable columns OPTIONAL, the rest REQUIRED. Checked in test/pipeline/transformEngine.test.ts.
 *
 * chDB 26.7 closes a row group once it holds output_format_parquet_row_group_size rows, counting in
 * whole blocks: with blocks of max_block_size = ROW_GROUP_ROWS rows a group is exactly that size, and a
 * part written with LIMIT ROW_GROUP_ROWS is one group. Encoding is deterministic: the same rows in the
 * same order give the same bytes.
 */
import { settingsClause } from '../../clickhouse/settingsClause';

/** Rows per row group and per part: large enough for good compression, small enough for bounded memory. */
export const ROW_GROUP_ROWS = 64 * 1024;

/**
 * The SETTINGS clause that ends every statement writing staged Parquet: the statement's own, so
 * they never become the embedded session's (a later write would be snappy, truncate, skip blooms).
 */
export const PARQUET_SETTINGS = settingsClause({
  output_format_parquet_compression_method: 'snappy',
  output_format_parquet_row_group_size: String(ROW_GROUP_ROWS),
  max_block_size: String(ROW_GROUP_ROWS),
  output_format_parquet_string_as_string: 1,
  // Staged parts are read whole by the load; a bloom filter per column (the engine's default) would
  // cost ~40% of the write and serve no reader.
  output_format_parquet_write_bloom_filter: 0,
  engine_file_truncate_on_insert: 1,
});
