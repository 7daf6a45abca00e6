/**
 * Streams a CSV file (RFC 4180, via uDSV) as records with the line number each starts on, so a
 * rejected row can be traced to its place in the file even when quoted fields span lines.
 */
import { createReadStream } from 'node:fs';
import { inferSchema, initParser, type Parser } from 'udsv';

export interface CsvRecord {
  /** 1-based line of the file on which the record starts (the header is line 1). */
  line: number;
  fields: string[];
}

export class CsvFileError extends Error {
  constructor(readonly filePath: string, message: string) {
    super(`${filePath}: ${message}`);
    this.name = 'CsvFileError';
  }
}

/**
 * Calls onHeader once with the header's column names, then onRecords with each batch of records.
 * Returns the number of records read. Decoding is utf8 at stream level so multibyte characters split
 * across chunk edges stay intact.
 */
export async function readCsvRecords(
  filePath: string,
  onHeader: (columns: string[]) => void,
  onRecords: (records: CsvRecord[]) => Promise<void> | void,
): Promise<number> {
  let parser: Parser | undefined;
  let nextLine = 2;
  let count = 0;
  let batch: CsvRecord[] = [];
  const collect = (fields: string[]) => {
    batch.push({ line: nextLine, fields });
    nextLine += 1;
    for (const field of fields) {
      // A quoted field with line breaks moves the next record further down the file.
      if (field.length > 0 && field.includes('\n')) nextLine += field.split('\n').length - 1;
    }
  };

  for await (const chunk of createReadStream(filePath, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    let text = chunk as string;
    if (!parser) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const schema = inferSchema(text, { trim: false });
      onHeader(schema.cols.map((col) => col.name));
      parser = initParser(schema);
    }
    parser.chunk<string[]>(text, parser.stringArrs, collect as never);
    if (batch.length > 0) {
      count += batch.length;
      const ready = batch;
      batch = [];
      await onRecords(ready);
    }
  }
  if (!parser) throw new CsvFileError(filePath, 'file is empty (not even a header line)');
  parser.end();
  if (batch.length > 0) {
    count += batch.length;
    await onRecords(batch);
  }
  return count;
}
