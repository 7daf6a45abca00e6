/**
 * SQL over an ingest's rejected rows (ingestSql.ts): the quarantine file a person fixes and lands
 * again, its top reasons, and the counts of the ingest. Parameters: {rejected:String} (the rejected
 * rows' file), {lastLine:Int64} (the line of the file's last record when the file does not end
 * with a line break, else -1), {width:UInt32} (fields in the header).
 */
import { csvFieldSql } from '../files/csvText';
import { HANDOVER_FORMAT } from '../../domain/layout';

/** The reason, with a cut-short last record (no final line break) named as such. */
const REASON = `if(_fields != {width:UInt32} AND source_line = {lastLine:Int64},
    concat('truncated last line: ', _reason, ' (the file does not end with a line break)'), _reason)`;

/**
 * Writes `out` (domain/storage.ts tableFunction: file() or s3(), TSVRaw, 'line String'): the header line {header:String}, then one line per rejected row in file
 * order: _file ({file:String}), _line, _column, _value, _reason, then the original fields in
 * contract order (`_raw`). TSVRaw writes each line as it is (a quoted field may hold a line break).
 */
export function quarantineSql(out = "file({out:String}, TSVRaw, 'line String')"): string {
  return `
INSERT INTO FUNCTION ${out}
SELECT line FROM
(
  SELECT 0 AS part, 0 AS at, {header:String} AS line
  UNION ALL
  SELECT 1, source_line, arrayStringConcat(arrayMap(f -> ${csvFieldSql('f')},
    arrayConcat([{file:String}, toString(source_line), _column, _value, ${REASON}], _raw)), ',')
  FROM file({rejected:String}, ${HANDOVER_FORMAT.name})
)
ORDER BY part, at
SETTINGS engine_file_truncate_on_insert = 1, s3_truncate_on_insert = 1, output_format_tsv_crlf_end_of_line = 0`;
}

export function topReasonsSql(): string {
  return `
SELECT _column AS column, ${REASON} AS reason, count() AS count
FROM file({rejected:String}, ${HANDOVER_FORMAT.name})
GROUP BY column, reason
ORDER BY count DESC, min(source_line)
LIMIT 5`;
}

/**
 * Valid and rejected rows written by the ingest, the last record's line, and per bit of
 * `_normalised` (ingestSql.ts normalisingColumns) the rows it is set in. Parameter {glob:String}.
 */
export function ingestCountsSql(normalisingColumns: number): string {
  const bits = Array.from({ length: 2 * normalisingColumns }, (_, bit) => `countIf(bitTest(_normalised, ${bit}))`);
  return `
SELECT countIf(_reason = '') AS valid, countIf(_reason != '') AS rejected, max(source_line) AS lastLine, [${bits.join(', ')}] AS normalised
FROM file({glob:String}, ${HANDOVER_FORMAT.name}, '_reason String, source_line Int32, _normalised UInt64')`;
}
