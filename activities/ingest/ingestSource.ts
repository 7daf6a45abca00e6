/**
 * Ingest one source file of a business date: enforce the source contract row by row, spread the
 * valid typed rows over hash partitions for the transform, and quarantine the rest with file, line,
 * column, value and reason. A bad row never stops the run; a bad file (missing, unreadable, empty,
 * not UTF-8, header not matching the contract) fails the source with a non-retryable error.
 *
 * Personal data: a valid row's personal columns are replaced by their protected forms (ciphertext,
 * token, masked value) before the row is written, so nothing after ingest holds them in plaintext.
 * A quarantined row keeps its original columns as delivered (a person fixes and re-lands it; the
 * quarantine folder is as sensitive as landing/), but its `_value` cell shows a personal value masked.
 */
import { existsSync, statSync } from 'node:fs';
import { z } from 'zod';
import { CONTRACTS, contractColumns, type DateFormat, type SourceName, type TypedRow } from '../contracts';
import { badInput } from '../errors';
import { BufferedWriter } from '../files/bufferedWriter';
import { csvLine } from '../files/csvText';
import type { DataLayout } from '../files/layout';
import { partitionCount, partitionOf, PartitionedWriter } from '../files/partitions';
import { PARTITION_COLUMN } from '../pipelineConfig';
import type { TransferableKeys } from '../security/personalDataKeys';
import { protectorFor } from '../security/personalDataProtector';
import { CsvFileError, readCsvRecords, type CsvRecord } from './csvRecords';
import { headerPositions, QUARANTINE_HEADER } from './headerPositions';

export interface IngestInput {
  businessDate: string;
  source: SourceName;
}

export interface IngestOptions {
  dateFormats: readonly DateFormat[];
  /** Input bytes per partition: bounds the transform's memory. */
  partitionBytes: number;
  /** Called every batch with the rows read so far (heartbeats). */
  onProgress?: (rowsRead: number) => void;
  /** Keys protecting personal columns (never logged); absent: the development keys, outside prod. */
  personalData?: TransferableKeys;
}

export interface IngestSummary {
  source: SourceName;
  file: string;
  rowsRead: number;
  rowsValid: number;
  rowsQuarantined: number;
  /** The file's header as found (reordered columns are fine; schema-drift checks compare it with the contract). */
  header: string[];
  partitions: number;
  quarantineFile: string;
  /** A few quarantine reasons with their counts, for the run summary (no row values: they may be personal data). */
  topReasons: { column: string; reason: string; count: number }[];
}

export async function ingestSource(layout: DataLayout, options: IngestOptions, input: IngestInput): Promise<IngestSummary> {
  const contract = CONTRACTS[input.source];
  const file = layout.landingFile(input.businessDate, input.source);
  if (!existsSync(file)) throw badInput(`${file}: source file is missing`, 'MissingSourceFile');

  const schema = contract.buildSchema(options.dateFormats);
  const specs = contractColumns(contract, schema);
  const expected = specs.map((column) => column.name);
  const optionalInHeader = specs.filter((column) => column.optionalInHeader).map((column) => column.name);
  const protector = protectorFor(input.source, options.personalData);
  const validate = z.compile(schema);
  const partitions = partitionCount(statSync(file).size, options.partitionBytes);
  const valid = new PartitionedWriter((p) => layout.validPartition(input.businessDate, input.source, p), partitions);
  const quarantine = new BufferedWriter(layout.quarantineFile(input.businessDate, input.source));
  quarantine.write(csvLine([...QUARANTINE_HEADER, ...expected]));
  const partitionColumn = PARTITION_COLUMN[input.source];

  let header: string[] = [];
  let positions: number[] = [];
  let rowsValid = 0;
  let rowsQuarantined = 0;
  const reasons = new Map<string, { column: string; reason: string; count: number }>();

  const reject = (record: CsvRecord, column: string, reason: string) => {
    rowsQuarantined += 1;
    const value = column ? protector.displayValue(column, record.fields[header.indexOf(column)] ?? '') : '';
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
        // Columns are read by name, so a reordered export is still read correctly; a column a file
        // may lack (optionalInHeader) is read as empty.
        positions = headerPositions(file, columns, expected, `${input.source} contract`, optionalInHeader);
      },
      async (records) => {
        for (const record of records) {
          if (record.fields.length !== header.length) {
            const found = `expected ${header.length} fields, found ${record.fields.length}`;
            reject(record, '', record.unterminated ? `truncated last line: ${found} (the file does not end with a line break)` : found);
            continue;
          }
          const raw: Record<string, string> = {};
          for (let i = 0; i < expected.length; i += 1) raw[expected[i]] = positions[i] === -1 ? '' : record.fields[positions[i]];
          const result = validate.safeParse(raw);
          if (!result.success) {
            const issue = result.error.issues[0];
            const column = String(issue.path[0] ?? '');
            const others = result.error.issues.length > 1 ? ` (+${result.error.issues.length - 1} more)` : '';
            reject(record, column, `${issue.message}${others}`);
            continue;
          }
          rowsValid += 1;
          const row = result.data as TypedRow;
          protector.protect(row);
          row.business_date = input.businessDate;
          row.source_line = record.line;
          valid.write(partitionOf(String(row[partitionColumn]), partitions), `${JSON.stringify(row)}\n`);
        }
        await valid.flushIfFull();
        await quarantine.flushIfFull();
        options.onProgress?.(rowsValid + rowsQuarantined);
      },
    );
    await valid.close();
    await quarantine.close();
    return {
      source: input.source,
      file,
      rowsRead,
      rowsValid,
      rowsQuarantined,
      header,
      partitions,
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
