/**
 * What each clean row of a change file does to the warehouse, decided in the engine: the rows (the
 * transform's Parquet parts, {changes:String}) are joined with the loaded versions of their keys
 * (loadedVersions.ts) and every (row, loaded version) pair is compared, the rule of
 * classifyChanges.ts (test/pipeline/changeBatchEngine.test.ts holds the two equal):
 *
 *   _order   1: the row is newer than that version (it is staged under its business date, and that
 *               month is rebuilt); 0: it is that very version (an earlier run of this batch: staged
 *               again, nothing rebuilt); -1: the loaded version is newer; NULL: the key is not loaded.
 *   _verdict per row: 'applied' (newer than some loaded version), 'already applied', 'not loaded'.
 *   _reason  per row: why it is listed (already applied, not loaded); '' when applied.
 *   _nth     1 on one pair of each row: counts and listings take that one.
 *
 * Written as one Parquet file in the batch's work folder ({decisions:String}); everything the stage
 * needs (counts, months, staged parts, listings) is read from it.
 */
import type { ColumnSpec } from '../../domain/contracts';
import { stagedChangeColumns, VERSION_COLUMN, type ChangeSource } from '../../domain/contracts/changes';
import { clickhouseTypeOf } from '../build/rawTables';
import { originalTextSql, quarantineLineSql } from '../clean/transformSql';
import { CHANGE_TARGETS } from './changeTargets';
import { loadedVersionsSql } from './loadedVersions';

export const SAME_VERSION_REASON = 'already applied by this batch (an earlier run of it): the warehouse holds this version';

/** The reason a row whose key is not in the warehouse is quarantined with. */
export function notLoadedReason(source: ChangeSource): string {
  const { noun, line } = CHANGE_TARGETS[source];
  return `not in the warehouse: no loaded ${noun} has this order_id and ${line}. Load the day it was exported on first, then land this row again in a new change batch (this file, renamed ${source}.csv, can be landed as it is)`;
}

/**
 * Parameters: {changes:String} (glob of the clean parts), {decisions:String} (output), {batch:String},
 * {notLoaded:String} and {sameVersion:String} (the reasons).
 */
export function decisionsSql(source: ChangeSource): string {
  const { line } = CHANGE_TARGETS[source];
  const updated = `toUnixTimestamp64Milli(c.${VERSION_COLUMN})`;
  // Versions compare as (updated_at, batch id); a daily export's row has neither and is older than any change.
  const order = `CAST(multiIf(v.day IS NULL, NULL, v.updated_ms IS NULL, 1, ${updated} < v.updated_ms, -1, ${updated} > v.updated_ms, 1,
      {batch:String} < v.batch, -1, {batch:String} > v.batch, 1, 0) AS Nullable(Int8))`;
  const newest = '_newest_newer';
  const newerText = `if(isNull(${newest}.1), 'none', ${originalTextSql({ name: `fromUnixTimestamp64Milli(assumeNotNull(${newest}.1), 'UTC')`, storage: 'timestamp', nullable: true })})`;
  const superseded = `concat('not newer than the loaded version (updated_at ', ${newerText}, ', change batch ', if(ifNull(${newest}.2, '') = '', 'none: daily export', ${newest}.2), ', business date ', ifNull(${newest}.3, ''), '): nothing to apply')`;
  return `
INSERT INTO FUNCTION file({decisions:String}, Parquet)
SELECT * EXCEPT (_versions, _newer_versions, _applied_versions, ${newest}),
  multiIf(_versions = 0, 'not loaded', _applied_versions > 0, 'applied', 'already applied') AS _verdict,
  multiIf(_versions = 0, {notLoaded:String}, _applied_versions > 0, '', _newer_versions = 0, {sameVersion:String}, ${superseded}) AS _reason
FROM
(
  SELECT *,
    countIf(_order IS NOT NULL) OVER r AS _versions,
    countIf(_order = 1) OVER r AS _applied_versions,
    countIf(_order = -1) OVER r AS _newer_versions,
    -- The newest of the loaded versions newer than the row, for the reason.
    argMaxIf(tuple(_loaded_ms, _loaded_batch, _day), tuple(_loaded_ms, _loaded_batch, _day), _order = -1) OVER r AS ${newest},
    row_number() OVER r AS _nth
  FROM
  (
    SELECT c.*, v.day AS _day, v.updated_ms AS _loaded_ms, v.batch AS _loaded_batch, ${order} AS _order
    FROM file({changes:String}, Parquet) AS c
    LEFT JOIN (${loadedVersionsSql(source)}) AS v ON c.order_id = v.order_id AND c.${line} = v.line
  )
  WINDOW r AS (PARTITION BY source_line)
)
SETTINGS join_use_nulls = 1`;
}

/** Per row counts, the newest updated_at (epoch ms, NULL without rows) and the rows to stage. Parameter {decisions:String}. */
export function decisionCountsSql(): string {
  return `
SELECT countIf(_nth = 1 AND _verdict = 'applied') AS applied, countIf(_nth = 1 AND _verdict = 'already applied') AS already_applied,
  countIf(_nth = 1 AND _verdict = 'not loaded') AS not_loaded, countIf(_order >= 0) AS staged,
  toUnixTimestamp64Milli(maxOrNull(${VERSION_COLUMN})) AS newest
FROM file({decisions:String}, Parquet)`;
}

/** Months holding an applied row: YYYYMM, the earliest business date with one, and the applied rows. Parameter {decisions:String}. */
export function monthsToRebuildSql(): string {
  return `
SELECT toYYYYMM(toDate(_day)) AS month, min(_day) AS business_date, uniqExact(source_line) AS rows_applied
FROM file({decisions:String}, Parquet) WHERE _order = 1 GROUP BY month ORDER BY month`;
}

/** Months holding a row to stage (applied or the same version): YYYY-MM, a business date of it, and the rows. Parameter {decisions:String}. */
export function stagedMonthsSql(): string {
  return `
SELECT substring(_day, 1, 7) AS month, min(_day) AS business_date, count() AS rows
FROM file({decisions:String}, Parquet) WHERE _order >= 0 GROUP BY month ORDER BY month`;
}

/**
 * One staged part of a month: the rows to stage of {month:String} (YYYY-MM) as the staged change
 * columns, each under the business date of the version it replaces, ordered by date and line, rows
 * {offset:UInt64} to + {rows:UInt64}. Parameters also {decisions:String}, {output:String}, {batch:String}.
 */
export function stagedPartSql(source: ChangeSource): string {
  const columns = stagedChangeColumns(source).map((c: ColumnSpec) => {
    const value = c.name === 'business_date' ? 'assumeNotNull(_day)' : c.name === 'change_batch' ? '{batch:String}' : c.name;
    return `CAST(${value} AS ${clickhouseTypeOf(c)}) AS ${c.name}`;
  });
  return `
INSERT INTO FUNCTION file({output:String}, Parquet)
SELECT ${columns.join(', ')}
FROM file({decisions:String}, Parquet)
WHERE _order >= 0 AND substring(_day, 1, 7) = {month:String}
ORDER BY _day, source_line
LIMIT {rows:UInt64} OFFSET {offset:UInt64}`;
}

/**
 * The listing lines (quarantineLineSql: landed file {landing:String}, line, reason, the row as
 * delivered) of the rows with {verdict:String}, in line order, into {out:String}; with `header`,
 * the file starts with the line {header:String}.
 */
export function listingSql(delivered: readonly ColumnSpec[], header: boolean): string {
  const rows = `SELECT 1 AS part, source_line AS at, ${quarantineLineSql(delivered, '_reason')} AS line
    FROM file({decisions:String}, Parquet) WHERE _nth = 1 AND _verdict = {verdict:String}`;
  return `
INSERT INTO FUNCTION file({out:String}, TSVRaw, 'line String')
SELECT line FROM (${header ? `SELECT 0 AS part, 0 AS at, {header:String} AS line UNION ALL ` : ''}${rows})
ORDER BY part, at
SETTINGS engine_file_truncate_on_insert = 1, output_format_tsv_crlf_end_of_line = 0`;
}
