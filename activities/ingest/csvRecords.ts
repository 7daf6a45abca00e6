/**
 * Streams a CSV file (RFC 4180, via papaparse) as records with the line number each starts on, so a
 * rejected row can be traced to its place in the file even when quoted fields span lines.
 *
 * papaparse rather than the faster uDSV: uDSV assumes every row has the header's field count and
 * silently re-splits a short or long row across its neighbours; papaparse returns ragged rows as
 * they are, so they can be quarantined.
 */
import { createReadStream } from 'node:fs';
import Papa from 'papaparse';
import { InvalidUtf8Error, Utf8Text } from './utf8Text';

export interface CsvRecord {
  /** 1-based line of the file on which the record starts (the header is line 1). */
  line: number;
  fields: string[];
  /** Set on the last record of a file that does not end with a line break: it may be cut short. */
  unterminated?: boolean;
}

export class CsvFileError extends Error {
  constructor(readonly filePath: string, message: string) {
    super(`${filePath}: ${message}`);
    this.name = 'CsvFileError';
  }
}

const BATCH_ROWS = 10_000;
const LINE_FEED = 0x0a;

/**
 * Calls onHeader once with the header's column names, then onRecords with each batch of records
 * (the stream pauses while a batch is handled). Returns the number of records read; blank lines are
 * not records. Refuses files that are empty or not UTF-8 with a CsvFileError naming the file.
 */
export function readCsvRecords(
  filePath: string,
  onHeader: (columns: string[]) => void,
  onRecords: (records: CsvRecord[]) => Promise<void> | void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const source = createReadStream(filePath, { highWaterMark: 1 << 20 });
    const text = new Utf8Text();
    const rows = source.pipe(text).pipe(Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter: ',' }));
    let header: string[] | undefined;
    let nextLine = 1;
    let count = 0;
    let batch: CsvRecord[] = [];
    let failed = false;

    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      source.destroy();
      text.destroy();
      rows.destroy();
      reject(error);
    };
    const handle = async (records: CsvRecord[]) => {
      rows.pause();
      try {
        await onRecords(records);
        rows.resume();
      } catch (error) {
        fail(error);
      }
    };

    rows.on('data', (fields: string[]) => {
      if (failed) return;
      const line = nextLine;
      nextLine += 1;
      for (const field of fields) {
        // A quoted field with line breaks moves the next record further down the file.
        if (field.length > 0 && field.includes('\n')) nextLine += field.split('\n').length - 1;
      }
      if (!header) {
        if (fields[0]?.charCodeAt(0) === 0xfeff) fields[0] = fields[0].slice(1);
        header = fields;
        try {
          onHeader(fields);
        } catch (error) {
          fail(error);
        }
        return;
      }
      if (fields.length === 1 && fields[0] === '') return; // a blank line, not a record
      count += 1;
      batch.push({ line, fields });
      // Hand over all but the newest record: the last record of the file must still be in hand at
      // the end, to mark it when the file ends without a line break.
      if (batch.length > BATCH_ROWS) {
        const ready = batch.slice(0, -1);
        batch = batch.slice(-1);
        void handle(ready);
      }
    });
    rows.on('end', async () => {
      if (failed) return;
      if (!header) return fail(new CsvFileError(filePath, 'file is empty (not even a header line)'));
      try {
        if (batch.length > 0) {
          if (text.lastByte !== LINE_FEED) batch[batch.length - 1].unterminated = true;
          await onRecords(batch);
        }
        resolve(count);
      } catch (error) {
        fail(error);
      }
    });
    rows.on('error', fail);
    text.on('error', (error) => fail(error instanceof InvalidUtf8Error ? new CsvFileError(filePath, error.message) : error));
    source.on('error', (error) => fail(new CsvFileError(filePath, `cannot read: ${error.message}`)));
  });
}
