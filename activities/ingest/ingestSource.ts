/**
 * Ingest one source file of a business date: enforce the source contract row by row, write valid
 * typed rows for the next stage and quarantine the rest with file, line, column, value and reason.
 * A bad row never stops the run; a bad file (missing, empty, wrong header) fails the source.
 */
import { Context } from '@temporalio/activity';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { CONTRACTS, contractColumns, type SourceName } from '../contracts';
import { BufferedWriter } from '../files/bufferedWriter';
import { csvLine } from '../files/csvText';
import type { DataLayout } from '../files/layout';
import { badInput } from '../errors';
import { CsvFileError, readCsvRecords, type CsvRecord } from './csvRecords';

export interface IngestInput {
  businessDate: string;
  source: SourceName;
}

export interface IngestSummary {
  source: SourceName;
  file: string;
  rowsRead: number;
  rowsValid: number;
  rowsQuarantined: number;
  /** The file's header as found (reordered columns are fine; schema-drift checks compare it with the contract). */
  header: string[];
  validFile: string;
  quarantineFile: string;
  /** A few quarantine reasons with their counts, for the run summary (no row values: they may be personal data). */
  topReasons: { column: string; reason: string; count: number }[];
}

export const QUARANTINE_HEADER = ['_file', '_line', '_column', '_value', '_reason'] as const;

export async function ingestSource(layout: DataLayout, input: IngestInput): Promise<IngestSummary> {
  const contract = CONTRACTS[input.source];
  const file = layout.landingFile(input.businessDate, input.source);
  if (!existsSync(file)) throw badInput(`${file}: source file is missing`, 'MissingSourceFile');

  const expected = contractColumns(contract).map((column) => column.name);
  const validate = z.compile(contract.schema);
  const valid = new BufferedWriter(layout.workFile(input.businessDate, input.source, 'valid'));
  const quarantine = new BufferedWriter(layout.quarantineFile(input.businessDate, input.source));
  quarantine.write(csvLine([...QUARANTINE_HEADER, ...expected]));

  let header: string[] = [];
  let positions: number[] = [];
  let rowsValid = 0;
  let rowsQuarantined = 0;
  const reasons = new Map<string, { column: string; reason: string; count: number }>();

  const reject = (record: CsvRecord, column: string, reason: string) => {
    rowsQuarantined += 1;
    const value = column ? record.fields[header.indexOf(column)] ?? '' : '';
    const original = expected.map((name) => record.fields[header.indexOf(name)] ?? '');
    quarantine.write(csvLine([file, String(record.line), column, value, reason, ...original]));
    const key = `${column}\u0000${reason}`;
    const entry = reasons.get(key) ?? { column, reason, count: 0 };
    entry.count += 1;
    reasons.set(key, entry);
  };

  try {
    const rowsRead = await readCsvRecords(
      file,
      (columns) => {
        header = columns;
        const missing = expected.filter((name) => !columns.includes(name));
        const unknown = columns.filter((name) => !expected.includes(name));
        if (missing.length > 0 || unknown.length > 0) {
          throw badInput(
            `${file} line 1: header does not match the ${input.source} contract` +
              (missing.length ? `; missing columns: ${missing.join(', ')}` : '') +
              (unknown.length ? `; unknown columns: ${unknown.join(', ')}` : ''),
            'HeaderMismatch',
          );
        }
        // Columns are read by name, so a reordered export is still read correctly.
        positions = expected.map((name) => columns.indexOf(name));
      },
      async (records) => {
        for (const record of records) {
          if (record.fields.length !== header.length) {
            reject(record, '', `expected ${header.length} fields, found ${record.fields.length}`);
            continue;
          }
          const raw: Record<string, string> = {};
          for (let i = 0; i < expected.length; i += 1) raw[expected[i]] = record.fields[positions[i]];
          const result = validate.safeParse(raw);
          if (!result.success) {
            const issue = result.error.issues[0];
            const column = String(issue.path[0] ?? '');
            const others = result.error.issues.length > 1 ? ` (+${result.error.issues.length - 1} more)` : '';
            reject(record, column, `${issue.message}${others}`);
            continue;
          }
          rowsValid += 1;
          valid.write(`${JSON.stringify({ ...(result.data as object), business_date: input.businessDate, source_line: record.line })}\n`);
        }
        await Promise.all([valid.flushIfFull(), quarantine.flushIfFull()]);
        Context.current().heartbeat({ rowsRead: rowsValid + rowsQuarantined });
      },
    );
    await Promise.all([valid.close(), quarantine.close()]);
    return {
      source: input.source,
      file,
      rowsRead,
      rowsValid,
      rowsQuarantined,
      header,
      validFile: valid.filePath,
      quarantineFile: quarantine.filePath,
      topReasons: [...reasons.values()].sort((a, b) => b.count - a.count).slice(0, 5),
    };
  } catch (error) {
    valid.abort();
    quarantine.abort();
    if (error instanceof CsvFileError) throw badInput(error.message, 'UnreadableSourceFile');
    throw error;
  }
}
