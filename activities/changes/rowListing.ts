/**
 * A CSV listing of change rows that were not applied, for a person to read: quarantined rows (with
 * the reason and what to do) and rows already applied. Each line is `_file, _line, _column, _value,
 * _reason` followed by the change file's columns, like the daily quarantine files; ingest of change
 * files ignores the `_` columns, so a listing of fixed rows can be landed again as a new batch.
 * Row values are written to these files only, never to logs or workflow history.
 */
import type { ColumnSpec, TypedRow } from '../contracts';
import { BufferedWriter } from '../files/bufferedWriter';
import { csvLine } from '../files/csvText';
import { QUARANTINE_HEADER } from '../ingest/headerPositions';

export class RowListing {
  private readonly writer: BufferedWriter;
  rows = 0;

  constructor(readonly filePath: string, private readonly columns: readonly ColumnSpec[]) {
    this.writer = new BufferedWriter(filePath);
    this.writer.write(csvLine([...QUARANTINE_HEADER, ...columns.map((c) => c.name)]));
  }

  /** A row as read from the file (it did not pass the contract): its original fields. */
  addFields(file: string, line: number, column: string, value: string, reason: string, fields: readonly string[]): void {
    this.rows += 1;
    this.writer.write(csvLine([file, String(line), column, value, reason, ...fields]));
  }

  /** A typed row, written back in a form the contract accepts. */
  addRow(file: string, row: TypedRow, reason: string): void {
    this.addFields(file, Number(row.source_line), '', '', reason, this.columns.map((c) => asText(row[c.name], c)));
  }

  flushIfFull(): Promise<void> {
    return this.writer.flushIfFull();
  }

  close(): Promise<void> {
    return this.writer.close();
  }

  abort(): void {
    this.writer.abort();
  }
}

function asText(value: TypedRow[string] | undefined, column: ColumnSpec): string {
  if (value === null || value === undefined) return '';
  if (column.storage === 'cents') return (Number(value) / 100).toFixed(2);
  if (column.storage === 'timestamp') return new Date(Number(value)).toISOString();
  return String(value);
}
