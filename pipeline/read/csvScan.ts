/**
 * One streaming pass over a landed CSV file's bytes before the engine reads it, for what ClickHouse
 * does not tell: that the bytes are UTF-8 (with the offset of the first bad byte), the header, the
 * file's line break, whether it ends with one, and which records hold quoted line breaks (so every
 * record's line number in the file can be computed beside the engine's record number).
 *
 * It never builds a row: it looks for quotes and line breaks with Buffer.indexOf (native) and checks
 * encoding with buffer.isUtf8 (native), so it costs a fraction of a CPU-second per 100 MB.
 *
 * Records follow ClickHouse's CSV reading: a quote opens a quoted field only at the start of a field
 * (after a comma, a line break or at the start of the data); `""` inside it is an escaped quote.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import Papa from 'papaparse';
import { firstInvalidByte, incompleteTail } from './utf8Text';

export class CsvFileError extends Error {
  constructor(readonly filePath: string, message: string) {
    super(`${filePath}: ${message}`);
    this.name = 'CsvFileError';
  }
}

export type LineBreak = '\n' | '\r\n' | '\r';

export interface CsvScan {
  /** The header's column names as written (a BOM removed). */
  header: string[];
  lineBreak: LineBreak;
  /** Byte length of the BOM and header line, line break included: where the data starts. */
  dataOffset: number;
  /** False when the last byte is not a line break: the last record may be cut short. */
  endsWithLineBreak: boolean;
  /**
   * Records (0-based after the header, as the engine numbers them) whose quoted fields hold line
   * breaks, with the running total of such breaks up to and including each: the file line of
   * record r is `r + 2 + (total of the last entry before r)`. Empty for most files.
   */
  multiLineRecords: { record: number; linesSoFar: number }[];
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const CHUNK = 1 << 20;

/** Reads the file once; `signal` (an activity's cancellation) stops the read with an AbortError. */
export async function scanCsvFile(filePath: string, signal?: AbortSignal, open?: (filePath: string, signal?: AbortSignal) => Promise<Readable>): Promise<CsvScan> {
  const scanner = new Scanner(filePath);
  // `open`: a landed file elsewhere than on this machine's disk (domain/storage.ts readStream).
  let stream: Readable | undefined;
  try {
    stream = open ? await open(filePath, signal) : createReadStream(filePath, { highWaterMark: CHUNK, signal });
    await untilAborted(readAll(stream, scanner), signal);
  } catch (error) {
    // An ApplicationFailure is storage's own refusal (a wrong S3 secret): it already names the cause.
    if (error instanceof CsvFileError || ['AbortError', 'ApplicationFailure'].includes((error as Error).name)) throw error;
    throw new CsvFileError(filePath, `cannot read: ${(error as Error).message}`);
  } finally {
    stream?.destroy();
  }
  return scanner.finish();
}

async function readAll(stream: Readable, scanner: Scanner): Promise<void> {
  for await (const chunk of stream) scanner.push(chunk as Buffer);
}

/**
 * `work`, or an AbortError as soon as `signal` fires. A stream's own abort waits for its pending read
 * to return first, and a read that blocks (a FIFO, a hung network mount) may never return: the
 * activity must still report its cancellation. The abandoned read ends when its input does.
 */
function untilAborted(work: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return work;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(Object.assign(new Error('the read was cancelled', { cause: signal.reason }), { name: 'AbortError' }));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

class Scanner {
  private offset = 0; // bytes checked as UTF-8 so far
  private carry = Buffer.alloc(0); // an incomplete multibyte character at a chunk's end
  private headerBytes: Buffer[] = [];
  private headerDone = false;
  private scan: Omit<CsvScan, 'endsWithLineBreak' | 'multiLineRecords'> | undefined;
  private lastByte = -1;
  private breakByte = LF;
  // Quote state across chunks.
  private inQuote = false;
  private pendingQuote = false; // a quote that ended the previous chunk inside a quoted field
  private previousByte = LF; // the byte before the current position: a quote after it may open a field
  private record = 0;
  private extraInRecord = 0;
  private linesSoFar = 0;
  private readonly multiLine: CsvScan['multiLineRecords'] = [];

  constructor(private readonly filePath: string) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.lastByte = chunk[chunk.length - 1];
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const end = bytes.length - incompleteTail(bytes);
    const complete = bytes.subarray(0, end);
    if (!isUtf8(complete)) throw this.invalidUtf8(this.offset + firstInvalidByte(complete));
    this.offset += end;
    this.carry = Buffer.from(bytes.subarray(end));
    let data = complete;
    if (!this.headerDone) {
      data = this.takeHeader(complete);
      if (!this.headerDone) return;
    }
    this.quotes(data);
  }

  finish(): CsvScan {
    if (this.carry.length > 0) throw this.invalidUtf8(this.offset);
    if (!this.headerDone) {
      // No line break at all: the whole file is the header line.
      const text = Buffer.concat(this.headerBytes).toString('utf8');
      if (text.replace(/^\uFEFF/, '') === '') throw new CsvFileError(this.filePath, 'file is empty (not even a header line)');
      this.scan = { header: parseHeader(text.replace(/^\uFEFF/, '')), lineBreak: '\n', dataOffset: Buffer.byteLength(text) };
      this.headerDone = true;
    }
    if (this.inQuote || this.pendingQuote) this.endRecord(); // an unterminated quote runs to the end
    else if (this.extraInRecord > 0) this.endRecord();
    return { ...this.scan!, endsWithLineBreak: this.lastByte === LF || this.lastByte === CR, multiLineRecords: this.multiLine };
  }

  /** Collect bytes up to the header's line break; returns the data after it. */
  private takeHeader(bytes: Buffer): Buffer {
    const lf = bytes.indexOf(LF);
    const cr = bytes.indexOf(CR);
    const at = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
    if (at === -1) {
      this.headerBytes.push(Buffer.from(bytes));
      return Buffer.alloc(0);
    }
    const crlf = bytes[at] === CR && bytes[at + 1] === LF;
    // A lone CR at the very end of a chunk may be the first half of CRLF: wait for the next byte.
    if (bytes[at] === CR && at === bytes.length - 1) {
      this.headerBytes.push(Buffer.from(bytes));
      return Buffer.alloc(0);
    }
    const lineBreak: LineBreak = bytes[at] === LF ? '\n' : crlf ? '\r\n' : '\r';
    const breakLength = crlf ? 2 : 1;
    this.headerBytes.push(bytes.subarray(0, at));
    const headerText = Buffer.concat(this.headerBytes).toString('utf8');
    const bom = headerText.startsWith('\uFEFF');
    const text = bom ? headerText.slice(1) : headerText;
    this.scan = { header: parseHeader(text), lineBreak, dataOffset: Buffer.byteLength(headerText) + breakLength };
    this.headerBytes = [];
    this.headerDone = true;
    this.breakByte = lineBreak === '\r' ? CR : LF;
    return bytes.subarray(at + breakLength);
  }

  /** Follow quoted fields and record breaks through a chunk of data. */
  private quotes(bytes: Buffer): void {
    let pos = 0;
    const length = bytes.length;
    if (this.pendingQuote) {
      // The previous chunk ended on a quote inside a quoted field: `""` continues the field.
      this.pendingQuote = false;
      if (length > 0 && bytes[0] === QUOTE) pos = 1;
      else this.inQuote = false;
    }
    while (pos < length) {
      if (this.inQuote) {
        const close = bytes.indexOf(QUOTE, pos);
        const end = close === -1 ? length : close;
        this.extraInRecord += countByte(bytes, LF, pos, end);
        if (close === -1) {
          pos = length;
          break;
        }
        if (close + 1 === length) {
          this.pendingQuote = true;
          pos = length;
          break;
        }
        if (bytes[close + 1] === QUOTE) pos = close + 2;
        else {
          this.inQuote = false;
          pos = close + 1;
        }
        continue;
      }
      const quote = bytes.indexOf(QUOTE, pos);
      const end = quote === -1 ? length : quote;
      this.recordBreaks(bytes, pos, end);
      if (quote === -1) {
        pos = length;
        break;
      }
      const before = quote > 0 ? bytes[quote - 1] : this.previousByte;
      if (before === COMMA || before === LF || before === CR) this.inQuote = true;
      pos = quote + 1;
    }
    if (length > 0) this.previousByte = bytes[length - 1];
  }

  /** Each record break outside quotes ends a record. */
  private recordBreaks(bytes: Buffer, from: number, to: number): void {
    let at = bytes.indexOf(this.breakByte, from);
    while (at !== -1 && at < to) {
      this.endRecord();
      at = bytes.indexOf(this.breakByte, at + 1);
    }
  }

  private endRecord(): void {
    if (this.extraInRecord > 0) {
      this.linesSoFar += this.extraInRecord;
      this.multiLine.push({ record: this.record, linesSoFar: this.linesSoFar });
      this.extraInRecord = 0;
    }
    this.record += 1;
  }

  private invalidUtf8(byteOffset: number): CsvFileError {
    return new CsvFileError(this.filePath, `bytes that are not valid UTF-8 at byte offset ${byteOffset}`);
  }
}

function parseHeader(text: string): string[] {
  const parsed = Papa.parse<string[]>(text, { delimiter: ',' });
  return parsed.data[0] ?? [''];
}

function countByte(bytes: Buffer, byte: number, from: number, to: number): number {
  let count = 0;
  let at = bytes.indexOf(byte, from);
  while (at !== -1 && at < to) {
    count += 1;
    at = bytes.indexOf(byte, at + 1);
  }
  return count;
}
