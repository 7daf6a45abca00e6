/**
 * A damaged staged Parquet file (truncated, overwritten) must stop the load before anything is
 * swapped in, and retrying cannot repair it: both checks fail non-retryably and name the file.
 * 1. Before any upload, the frame: magic bytes at both ends and a footer length that fits the file
 *    (catches truncation and most overwrites, without reading the data).
 * 2. While uploading, the engine's own decoding errors (bad pages, bad footer content).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { badInput } from '../errors';

const MAGIC = 'PAR1';
/** Engine error types that mean "these bytes are not readable Parquet", never a connection problem. */
const DECODING_ERRORS = new Set(['INCORRECT_DATA', 'CANNOT_DECOMPRESS', 'CANNOT_READ_ALL_DATA', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', 'STD_EXCEPTION', 'UNKNOWN_FORMAT']);

export function assertParquetFrame(file: string): void {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < 12) throw damaged(file, `${size} bytes, too short for Parquet`);
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(8);
    readSync(fd, head, 0, 4, 0);
    readSync(fd, tail, 0, 8, size - 8);
    if (head.toString('latin1') !== MAGIC) throw damaged(file, 'no Parquet magic bytes at the start');
    if (tail.toString('latin1', 4) !== MAGIC) throw damaged(file, 'no Parquet magic bytes at the end (truncated?)');
    const footer = tail.readUInt32LE(0);
    if (footer === 0 || footer > size - 12) throw damaged(file, `footer length ${footer} does not fit a file of ${size} bytes`);
  } finally {
    closeSync(fd);
  }
}

/** The engine's decoding error for a file as a non-retryable failure naming it; other errors as they are. */
export function asDamagedFile(file: string, error: unknown): unknown {
  const type = (error as { type?: string })?.type;
  return type && DECODING_ERRORS.has(type) ? damaged(file, `the engine cannot read it (${type})`) : error;
}

function damaged(file: string, why: string) {
  return badInput(
    `${file}: damaged staged Parquet file, ${why}; nothing was loaded. Run its business date again to re-stage it, or replay it from the archive.`,
    'DamagedStagedFile',
  );
}
