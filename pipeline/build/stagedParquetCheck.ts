/**
 * A damaged staged Parquet file (truncated, overwritten, altered inside a page) must stop the load
 * before anything is swapped in, and retrying cannot repair it: every check fails non-retryably and
 * names the file.
 * 1. Before any upload, the digests recorded at staging (checksums.sha256, see
 *    pipeline/publish/stagedChecksums.ts): every listed part is there, unchanged, and nothing else is.
 *    Folders staged before checksums existed have no list and skip this step.
 * 2. Before any upload, the frame: magic bytes at both ends and a footer length that fits the file
 *    (catches truncation and most overwrites in those older folders too).
 * 3. While uploading, the engine's own decoding errors (bad pages, bad footer content).
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Warehouse } from '../../clickhouse/client';
import { isS3, Storage } from '../../domain/storage';
import { CHECKSUM_FILE, readStagedChecksums } from '../publish/stagedChecksums';
import { badInput } from '../../domain/failures';

/**
 * Steps 1 and 2 for every staged folder of a load, local or on S3 (`storage`). Folders, not files: a
 * folder whose parts were all deleted still has its checksum list, and is refused for the parts it
 * lists. A part on S3 is fingerprinted by the engine (`warehouse`), so its bytes stay out of this process.
 */
export async function verifyStagedFolders(folders: readonly string[], storage = new Storage(), warehouse?: Warehouse): Promise<void> {
  for (const folder of folders) {
    const parts = (await storage.list(folder)).filter((name) => name.endsWith('.parquet'));
    const recorded = await readStagedChecksums(folder, storage);
    if (recorded) {
      for (const name of recorded.keys()) {
        if (!parts.includes(name)) throw damaged(storage.join(folder, name), `the part is missing: ${CHECKSUM_FILE} lists it`);
      }
      for (const name of parts) {
        const file = storage.join(folder, name);
        const expected = recorded.get(name);
        if (!expected) throw damaged(file, `not listed in ${CHECKSUM_FILE}: staging did not write it`);
        const part = isS3(file) && warehouse ? await engineFingerprint(warehouse, storage, file) : await localFingerprint(storage, file);
        if (part.sha256 !== expected) throw damaged(file, `its sha256 differs from the one recorded at staging (${CHECKSUM_FILE})`);
        assertParquetBytes(file, part.head, part.tail, part.size);
      }
    } else {
      for (const name of parts) assertParquetFrame(storage.join(folder, name));
    }
  }
}

const MAGIC = 'PAR1';

/** What steps 1 and 2 need of a part: its digest, size and the bytes of its frame. */
interface Fingerprint {
  sha256: string;
  size: number;
  head: Buffer;
  tail: Buffer;
}

/** Parts are bounded (64k rows): read whole. */
async function localFingerprint(storage: Storage, file: string): Promise<Fingerprint> {
  const bytes = await storage.readBytes(file);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, head: bytes.subarray(0, 4), tail: bytes.subarray(Math.max(0, bytes.length - 8)) };
}

/** The engine reads the part from S3 as one blob and returns its digest, size and frame bytes. */
async function engineFingerprint(warehouse: Warehouse, storage: Storage, file: string): Promise<Fingerprint> {
  const part = storage.tableFunction(file, 'part', 'RawBLOB');
  const result = await warehouse.client.query({
    query: `SELECT lower(hex(SHA256(raw_blob))) AS sha256, length(raw_blob) AS size, hex(substring(raw_blob, 1, 4)) AS head, hex(substring(raw_blob, greatest(1, length(raw_blob) - 7), 8)) AS tail FROM ${part.sql}`,
    query_params: part.params,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ sha256: string; size: number | string; head: string; tail: string }>();
  return { sha256: row.sha256, size: Number(row.size), head: Buffer.from(row.head, 'hex'), tail: Buffer.from(row.tail, 'hex') };
}
/** Engine error types that mean "these bytes are not readable Parquet", never a connection problem. */
const DECODING_ERRORS = new Set(['INCORRECT_DATA', 'CANNOT_DECOMPRESS', 'CANNOT_READ_ALL_DATA', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', 'STD_EXCEPTION', 'UNKNOWN_FORMAT']);

export function assertParquetFrame(file: string): void {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(8);
    if (size >= 12) {
      readSync(fd, head, 0, 4, 0);
      readSync(fd, tail, 0, 8, size - 8);
    }
    assertParquetBytes(file, head, tail, size);
  } finally {
    closeSync(fd);
  }
}

/** Step 2 on a part's first 4 and last 8 bytes. */
function assertParquetBytes(file: string, head: Buffer, tail: Buffer, size: number): void {
  if (size < 12) throw damaged(file, `${size} bytes, too short for Parquet`);
  if (head.toString('latin1') !== MAGIC) throw damaged(file, 'no Parquet magic bytes at the start');
  if (tail.toString('latin1', 4) !== MAGIC) throw damaged(file, 'no Parquet magic bytes at the end (truncated?)');
  const footer = tail.readUInt32LE(0);
  if (footer === 0 || footer > size - 12) throw damaged(file, `footer length ${footer} does not fit a file of ${size} bytes`);
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
