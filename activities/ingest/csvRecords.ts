/**
 * Streams a CSV file (RFC 4180) as records with the line number each starts on, so a rejected row
 * can be traced to its place in the file even when quoted fields span lines.
 *
 * Parsing is papaparse's core parser fed chunk by chunk (the unfinished last row of a chunk is
 * carried to the next), not its Node stream wrapper: several of those running at once in one
 * process slowed each other down more than tenfold. papaparse rather than the faster uDSV: uDSV
 * assumes every row has the header's field count and silently re-splits a ragged row across its
 * neighbours; papaparse returns ragged rows as they are, so they can be quarantined.
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

/**
 * Calls onHeader once with the header's column names, then onRecords with the records of each chunk
 * of the file (awaited before the next chunk is read). Returns the number of records read; blank
 * lines are not records. Refuses files that are empty or not UTF-8 with a CsvFileError.
 */
export async function readCsvRecords(
  filePath: string,
  onHeader: (columns: string[]) => void,
  onRecords: (records: CsvRecord[]) => Promise<void> | void,
): Promise<number> {
  const text = new Utf8Text();
  const source = createReadStream(filePath, { highWaterMark: 1 << 20 });
  source.on('error', (error) => text.destroy(new CsvFileError(filePath, `cannot read: ${error.message}`)));
  source.pipe(text);

  let parser: Papa.Parser | undefined;
  let header: string[] | undefined;
  let rest = '';
  let nextLine = 1;
  let count = 0;

  const take = async (rows: string[][], last: boolean) => {
    const records: CsvRecord[] = [];
    for (const fields of rows) {
      const line = nextLine;
      nextLine += 1;
      for (const field of fields) {
        // A quoted field with line breaks moves the next record further down the file.
        if (field.length > 0 && field.includes('\n')) nextLine += field.split('\n').length - 1;
      }
      if (!header) {
        header = fields;
        onHeader(fields);
        continue;
      }
      if (fields.length === 1 && fields[0] === '') continue; // a blank line, not a record
      records.push({ line, fields });
    }
    if (last && records.length > 0 && text.lastByte !== 0x0a) records[records.length - 1].unterminated = true;
    count += records.length;
    if (records.length > 0) await onRecords(records);
  };

  try {
    for await (const chunk of text) {
      let input = rest + (chunk as string);
      if (!parser) {
        if (input.charCodeAt(0) === 0xfeff) input = input.slice(1);
        parser = new Papa.Parser({ delimiter: ',', newline: lineBreakOf(input) });
      }
      const result = parser.parse(input, 0, true) as Papa.ParseResult<string[]>;
      rest = input.slice(result.meta.cursor);
      await take(result.data, false);
    }
  } catch (error) {
    source.destroy();
    if (error instanceof InvalidUtf8Error) throw new CsvFileError(filePath, error.message);
    throw error;
  }
  if (!parser) throw new CsvFileError(filePath, 'file is empty (not even a header line)');
  if (rest.length > 0) await take((parser.parse(rest, 0, false) as Papa.ParseResult<string[]>).data, true);
  if (!header) throw new CsvFileError(filePath, 'file is empty (not even a header line)');
  return count;
}

/** The file's line break, from its first line (as papaparse's own stream mode decides it). */
function lineBreakOf(text: string): '\r\n' | '\n' | '\r' {
  const lf = text.indexOf('\n');
  const cr = text.indexOf('\r');
  if (cr !== -1 && (lf === -1 || cr < lf)) return lf === cr + 1 ? '\r\n' : '\r';
  return '\n';
}
