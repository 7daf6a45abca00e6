/**
 * The SQL that reads one landed CSV file in the engine: every field as a String with the engine's
 * record number, each contract column decided by its compiled SQL (contracts/columns.ts, `sql`),
 * the valid rows written as typed hash partitions and the rejected ones beside them with their
 * reason, in ONE pass over the file, in the hand-over format (domain/layout.ts HANDOVER_FORMAT):
 *
 *   work/<date>/<source>/valid-PPPP.native    valid rows of hash partition P (stored columns + lineage)
 *   work/<date>/<source>/rejected.native      rejected rows: reason, column, shown value, original fields (`_raw`)
 *
 * Fields are read by position (c0, c1, ...) and mapped to contract columns by the header; a few
 * columns past the header's width catch rows with too many fields, and a row with too few reads
 * NULL where fields are missing: `_fields` counts the fields present. A blank line reads as a row of
 * NULLs and is not a record.
 *
 * Line numbers: the engine numbers records from 0 after the header; a record's line in the file is
 * that number + 2, plus the line breaks inside quoted fields of the records before it (csvScan.ts
 * finds those records; for a file without such fields nothing is joined).
 */
import type { ClickHouseSettings } from '@clickhouse/client';
import { settingsClause } from '../../clickhouse/settingsClause';
import { CONTRACTS, type ColumnSpec, type SourceName } from '../../domain/contracts';
import { clickhouseTypeOf } from '../build/rawTables';
import { HANDOVER_FORMAT, REJECTED_PARTITION } from '../../domain/layout';
import { PARTITION_COLUMN } from '../../domain/settings/sources';
import type { LineBreak } from './csvScan';
import { maskedValueSql } from '../../domain/security/personalSql';

/**
 * Columns that may change a value on purpose (a null token read as missing, a line break made a
 * space), in the order of their bits in `_normalised`: bit 2i for a null token, 2i + 1 for a line break.
 */
export function normalisingColumns(columns: readonly ColumnSpec[]): string[] {
  return columns.filter((column) => column.sql && column.sql('x').normalised !== "''").map((column) => column.name);
}

/** Extra fields read past the header's width: a longer row is reported as having at least this many more. */
export const EXTRA_FIELDS = 8;


/** The protected forms of the source's personal columns (security/personalSql.ts), when it has any. */
export interface PersonalFormsSql {
  /** `<expression> AS <stored column>` items of every personal column, given the validated values and the row key. */
  columns(values: Readonly<Record<string, string>>, rowKey: readonly string[]): string[];
  /** What the statement adds after its FROM item for the items to read (the keys' table). */
  join: string;
}

export interface IngestSqlInput {
  source: SourceName;
  /** The contract's columns (with their compiled SQL), in contract order. */
  columns: readonly ColumnSpec[];
  /** Position in the file of each contract column; -1: absent (optional in the header), read as empty. */
  positions: readonly number[];
  /** Fields the header has. */
  width: number;
  partitions: number;
  multiLine: boolean;
  lineBreak: LineBreak;
  /** Set when the source has personal columns. */
  personal?: PersonalFormsSql;
  /** The table function reading the landed CSV (domain/storage.ts: file() or s3()); it takes {structure:String}. */
  csvTable: string;
}

/** Settings every ingest query reads CSV with. */
export function csvReadSettings(lineBreak: LineBreak): ClickHouseSettings {
  return {
    // Every compiled column expression is safe in every branch (test/unit/contractSql.test.ts runs them
    // both ways), and evaluating all branches is ~35% cheaper here than short-circuiting them.
    short_circuit_function_evaluation: 'disable',
    // Not mmap (chDB's default for file()): mapped pages of the whole landed file count in the
    // process's resident memory until the statement ends (+450 MiB for the 1M day's orders).
    storage_file_read_method: 'pread',
    // Memory (the 1M-order day, four sources at once on the server): a block of the default 65k
    // rows is ~30 string columns read, decided and explained per row; 16k-row blocks and one parser
    // instead of parallel parsing's buffered segments took the statements' tracked peak from ~640
    // to 270 MiB (orders alone 413 -> 139) for the same CPU-seconds (14.3 against 13.6-15.5).
    max_block_size: '16384',
    input_format_parallel_parsing: 0,
    input_format_csv_allow_variable_number_of_columns: 1,
    input_format_csv_skip_first_lines: '1',
    // '' stays '' (a present, empty field); a missing field is NULL.
    input_format_csv_empty_as_default: 0,
    input_format_csv_allow_cr_end_of_line: lineBreak === '\r' ? 1 : 0,
    input_format_csv_detect_header: 0,
    format_csv_allow_single_quotes: 0,
    input_format_csv_trim_whitespaces: 0,
    input_format_csv_use_default_on_bad_values: 0,
    input_format_null_as_default: 0,
  };
}

/** `structure` of the file() read: c0 … c(width + EXTRA_FIELDS - 1), every field a Nullable(String). */
export function csvStructure(width: number): string {
  return Array.from({ length: width + EXTRA_FIELDS }, (_, i) => `c${i} Nullable(String)`).join(', ');
}

const quoteIdentifier = (name: string) => `\`${name}\``;

/**
 * INSERT … SELECT writing the partitions. Parameters: {csv:String}, {structure:String},
 * {out:String} (a path with `{_partition_id}`), {businessDate:String}, and with multiLine
 * {records:Array(UInt64)} and {linesSoFar:Array(UInt64)}.
 */
export function ingestSql(input: IngestSqlInput): string {
  const { columns, positions, width } = input;
  const raw = (i: number) => `raw_${columns[i].name}`;
  const value = (i: number) => `v_${columns[i].name}`;
  const reason = (i: number) => `r_${columns[i].name}`;
  const decided = columns.map((column, i) => {
    if (!column.sql) throw new Error(`${input.source}.${column.name} has no compiled SQL (contracts/columns.ts)`);
    return column.sql(raw(i));
  });

  const normalising = new Set(normalisingColumns(columns));
  const flags = columns.flatMap((column, i) => {
    if (!normalising.has(column.name)) return [];
    const bit = 2 * [...normalising].indexOf(column.name);
    return [`bitShiftLeft(toUInt64(n_${column.name} = 'null_token'), ${bit}) + bitShiftLeft(toUInt64(n_${column.name} = 'line_break'), ${bit + 1})`];
  });
  const fieldsPresent = Array.from({ length: width + EXTRA_FIELDS }, (_, i) => `(c${i} IS NOT NULL)`).join(' + ');
  const reads = columns.map((_, i) => `${positions[i] === -1 ? "''" : `ifNull(c${positions[i]}, '')`} AS ${raw(i)}`);
  const values = decided.map((d, i) => `${d.value} AS ${value(i)}`);
  const reasons = decided.map((d, i) => `${d.reason} AS ${reason(i)}`);
  const normalisations = decided.flatMap((d, i) => (normalising.has(columns[i].name) ? [`${d.normalised} AS n_${columns[i].name}`] : []));
  const failing = columns.map((_, i) => `${reason(i)} != ''`);
  const firstFailing = (pick: (i: number) => string) =>
    `multiIf(${columns.map((_, i) => `${failing[i]}, ${pick(i)}`).join(', ')}, '')`;
  // A personal value is shown masked, even in quarantine.
  const shownValue = (i: number) => (columns[i].personal ? `if(${raw(i)} = '', '', ${maskedValueSql(columns[i].personal!, raw(i))})` : raw(i));

  const stored = columns.filter((column) => !column.personal).map((column) => `${typedValue(column, value(columns.indexOf(column)))} AS ${quoteIdentifier(column.name)}`);
  if (input.personal) {
    const personalValues = Object.fromEntries(columns.flatMap((column, i) => (column.personal ? [[column.name, value(i)]] : [])));
    // The contract key the protected forms are bound to (never the configurable dedup key), as JavaScript's String(value).
    const rowKey = CONTRACTS[input.source].key.map((name) => `toString(v_${name})`);
    stored.push(...input.personal.columns(personalValues, rowKey));
  } else if (columns.some((column) => column.personal)) {
    throw new Error(`${input.source} has personal columns: the ingest needs their protected forms`);
  }
  const partitionValue = value(columns.findIndex((c) => c.name === PARTITION_COLUMN[input.source]));
  const partition = `if(_reason != '', '${REJECTED_PARTITION}', concat('valid-', leftPad(toString(cityHash64(${partitionValue}) % ${input.partitions}), 4, '0')))`;
  const line = input.multiLine ? 'toInt32(rn + 2 + ifNull(o.lines_so_far, 0))' : 'toInt32(rn + 2)';
  const offsets = input.multiLine
    ? `ASOF LEFT JOIN (
         SELECT 0 AS k, arrayJoin(arrayZip({records:Array(UInt64)}, {linesSoFar:Array(UInt64)})) AS p, p.1 AS record, p.2 AS lines_so_far
       ) AS o ON r.k = o.k AND r.rn > o.record`
    : '';

  return `
INSERT INTO FUNCTION file({out:String}, ${HANDOVER_FORMAT.name})
PARTITION BY _partition
SELECT
  ${stored.join(',\n  ')},
  {businessDate:String} AS business_date,
  ${line} AS source_line,
  _column, _value, _reason, _fields, _normalised,
  -- The delivered fields of a rejected row, in contract order; one array (empty when valid) is far
  -- cheaper to write than a mostly-NULL column per field (~25% of the orders statement's CPU).
  if(_reason = '', [], [${columns.map((_, i) => raw(i)).join(', ')}]) AS _raw,
  ${partition} AS _partition
FROM
(
  SELECT
    0 AS k,
    toUInt64(assumeNotNull(_row_number)) AS rn,
    ${fieldsPresent} AS _fields,
    ${reads.join(',\n    ')},
    ${values.join(',\n    ')},
    ${reasons.join(',\n    ')},
    ${[...normalisations, `${flags.length > 0 ? flags.join(' + ') : 'toUInt64(0)'} AS _normalised`].join(',\n    ')},
    _fields != ${width} AS _wrong_width,
    ${failing.map((f) => `(${f})`).join(' + ')} AS _failing,
    -- Most rows are valid: what describes a rejected row is computed for rejected rows only.
    if(_wrong_width OR _failing = 0, '', ${firstFailing((i) => `'${columns[i].name}'`)}) AS _column,
    if(_wrong_width OR _failing = 0, '', ${firstFailing(shownValue)}) AS _value,
    multiIf(
      _wrong_width, concat('expected ${width} fields, found ', if(_fields >= ${width + EXTRA_FIELDS}, '${width + EXTRA_FIELDS} or more', toString(_fields))),
      _failing = 0, '',
      concat(${firstFailing(reason)}, if(_failing > 1, concat(' (+', toString(_failing - 1), ' more)'), ''))
    ) AS _reason
  FROM ${input.csvTable}
  WHERE c0 IS NOT NULL
) AS r
${offsets}
${input.personal?.join ?? ''}
${settingsClause({ ...csvReadSettings(input.lineBreak), engine_file_truncate_on_insert: 1 })}`;
}

/** A decided value as its stored ClickHouse type (defaults where the row is rejected: never read). */
function typedValue(column: ColumnSpec, value: string): string {
  const type = clickhouseTypeOf(column);
  if (column.storage === 'timestamp') {
    const ms = column.nullable ? value : `ifNull(${value}, 0)`;
    return `CAST(fromUnixTimestamp64Milli(${ms}, 'UTC') AS ${type})`;
  }
  if (column.nullable) return `CAST(${value} AS ${type})`;
  return `CAST(ifNull(${value}, defaultValueOfTypeName('${type.replace(/'/g, "\\'")}')) AS ${type})`;
}
