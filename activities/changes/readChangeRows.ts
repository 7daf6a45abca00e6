/**
 * Read one change file through its contract (the source's columns plus updated_at): valid rows come
 * back typed, each with its line (source_line) and batch; a bad row goes to the batch's quarantine
 * listing with file, line, column, value and reason and never stops the batch. A bad file (empty,
 * not UTF-8, a header that does not match the contract) fails the batch non-retryably, naming it.
 * Rows are held in memory: a batch is corrections, not a day's export (see README, limits).
 */
import { z } from 'zod';
import type { DateFormat, TypedRow } from '../contracts';
import { changeFileColumns, changeRowSchema, VERSION_COLUMN, type ChangeSource } from '../contracts/changes';
import { badInput } from '../errors';
import { CsvFileError, readCsvRecords } from '../ingest/csvRecords';
import { headerPositions } from '../ingest/headerPositions';
import type { RowListing } from './rowListing';

export interface ChangeRowsRead {
  rows: TypedRow[];
  rowsRead: number;
  rowsQuarantined: number;
}

export async function readChangeRows(file: string, source: ChangeSource, batchId: string, dateFormats: readonly DateFormat[], quarantine: RowListing): Promise<ChangeRowsRead> {
  const schema = changeRowSchema(source, dateFormats);
  const expected = changeFileColumns(source, schema).map((c) => c.name);
  const validate = z.compile(schema);
  const rows: TypedRow[] = [];
  let header: string[] = [];
  let positions: number[] = [];
  let rowsQuarantined = 0;
  const original = (fields: readonly string[]) => expected.map((name) => fields[header.indexOf(name)] ?? '');

  try {
    const rowsRead = await readCsvRecords(
      file,
      (columns) => {
        header = columns;
        positions = headerPositions(file, columns, expected, `${source} change contract (the ${source} columns plus updated_at)`);
      },
      async (records) => {
        for (const record of records) {
          if (record.fields.length !== header.length) {
            const found = `expected ${header.length} fields, found ${record.fields.length}`;
            rowsQuarantined += 1;
            quarantine.addFields(file, record.line, '', '', record.unterminated ? `truncated last line: ${found} (the file does not end with a line break)` : found, original(record.fields));
            continue;
          }
          const raw: Record<string, string> = {};
          for (let i = 0; i < expected.length; i += 1) raw[expected[i]] = record.fields[positions[i]];
          const result = validate.safeParse(raw);
          if (!result.success) {
            const issue = result.error.issues[0];
            const column = String(issue.path[0] ?? '');
            const others = result.error.issues.length > 1 ? ` (+${result.error.issues.length - 1} more)` : '';
            rowsQuarantined += 1;
            quarantine.addFields(file, record.line, column, raw[column] ?? '', `${issue.message}${others}`, original(record.fields));
            continue;
          }
          const row = result.data as TypedRow;
          if (Number(row[VERSION_COLUMN]) <= 0) {
            // 1970-01-01 is the version of an exported row in the warehouse (migration 0010): a change must be later.
            rowsQuarantined += 1;
            quarantine.addFields(file, record.line, VERSION_COLUMN, raw[VERSION_COLUMN], 'must be after 1970-01-01 00:00:00 UTC', original(record.fields));
            continue;
          }
          row.source_line = record.line;
          row.change_batch = batchId;
          rows.push(row);
        }
        await quarantine.flushIfFull();
      },
    );
    return { rows, rowsRead, rowsQuarantined };
  } catch (error) {
    if (error instanceof CsvFileError) throw badInput(error.message, 'UnreadableChangeFile');
    throw error;
  }
}
