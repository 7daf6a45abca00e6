/**
 * The contract of a change batch file (landing/changes/<batch id>/orders.csv or payments.csv): later
 * versions of order lines and payments already loaded from a daily export. A change file has its
 * source's columns plus a required `updated_at`, the version that decides which of two versions of
 * a key wins. Built from the source contracts, so a column added to orders or payments is part of
 * its change file too.
 *
 * customers and products have no change files: their exports carry updated_at already and every
 * change arrives in the next daily export, which the type 2 dimension handles.
 */
import type { z } from 'zod';
import { buildColumn, columnRegistry, timestamp, type ContractSettings } from './columns';
import { sqlString } from './sqlText';
import { CONTRACTS, contractColumns, contractSettingsOf, stagedColumns, type ColumnSpec, type DateFormat, type SourceName } from './index';

export const CHANGE_SOURCES = ['orders', 'payments'] as const satisfies readonly SourceName[];
export type ChangeSource = (typeof CHANGE_SOURCES)[number];

export function isChangeSource(source: string): source is ChangeSource {
  return (CHANGE_SOURCES as readonly string[]).includes(source);
}

/** The version column of a change row, and what the staged row gains besides it. */
export const VERSION_COLUMN = 'updated_at';

/** A change row: the source's row schema plus the required `updated_at` timestamp. */
export function changeRowSchema(source: ChangeSource, settings?: ContractSettings | readonly DateFormat[]): z.ZodObject {
  const resolved = contractSettingsOf(settings);
  return CONTRACTS[source].buildSchema(resolved).extend({ [VERSION_COLUMN]: versionColumn(resolved) });
}

const NOT_AFTER_EPOCH = 'must be after 1970-01-01 00:00:00 UTC';

/**
 * updated_at: a timestamp, and strictly after the epoch: 1970-01-01 00:00:00 is the version of an
 * exported row in the warehouse (migration 0010), so a change must be later. Its SQL twin adds the
 * same check after the timestamp's own (test/pipeline/changeBatchEngine.test.ts holds the two equal).
 */
function versionColumn(settings: ContractSettings) {
  const parsed = buildColumn(VERSION_COLUMN, timestamp(), settings);
  const meta = columnRegistry.get(parsed)!;
  const schema = parsed.refine((ms) => ms > 0, { error: NOT_AFTER_EPOCH });
  columnRegistry.add(schema, {
    ...meta,
    sql: (raw) => {
      const decided = meta.sql(raw);
      return { ...decided, reason: `if(${decided.reason} != '', ${decided.reason}, if(${decided.value} <= 0, ${sqlString(NOT_AFTER_EPOCH)}, ''))` };
    },
  });
  return schema;
}

/** Columns of a change file, in header order: the source's columns, then updated_at. */
export function changeFileColumns(source: ChangeSource, schema: z.ZodObject = changeRowSchema(source)): ColumnSpec[] {
  return contractColumns(CONTRACTS[source], schema);
}

/**
 * Columns a staged row of a change source may carry besides the source's staged columns: its version
 * and the batch it came from. Rows staged from a daily export have neither: the raw table reads them
 * as NULL and '', the facts hold 1970-01-01 and '' (no version, older than any change; migration 0010).
 */
export const VERSION_COLUMNS: readonly ColumnSpec[] = [
  { name: VERSION_COLUMN, storage: 'timestamp', nullable: true },
  { name: 'change_batch', storage: 'string', nullable: false },
];

/** Columns of a staged change row (and of the raw table a month of a change source loads into). */
export function stagedChangeColumns(source: ChangeSource): ColumnSpec[] {
  return [...stagedColumns(source), ...VERSION_COLUMNS];
}
