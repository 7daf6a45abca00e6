/**
 * Archived exports are encrypted (AES-256-GCM, streamed): the archive is the long-lived copy of the
 * raw inputs, and customers.csv holds personal data in plaintext. An encrypted archive file is
 *
 *   "\0cartwheel-archive-v1 aes-256-gcm <key id>\n" ‖ IV (12 bytes, random) ‖ ciphertext ‖ tag (16 bytes)
 *
 * under a key derived from the personal-data key of that id (CARTWHEEL_PII_KEY; older ids from
 * CARTWHEEL_PII_PREVIOUS_KEYS), so rotation works as for the warehouse's columns. The header line,
 * the business date and the file name are the associated data: a file moved to another day or name
 * fails to decrypt. A random IV is fine here: a day is archived once (the manifest's plaintext
 * sha256 makes archiving the same bytes again a no-op). Files archived before encryption existed
 * (no header) are read as they are.
 */
import { createCipheriv, createDecipheriv, createHash, createSecretKey, hkdfSync, randomBytes, type DecipherGCM, type KeyObject } from 'node:crypto';
import { createReadStream, createWriteStream, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { Transform, Writable, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { KeyRing } from '../../domain/security/keyRing';

const MAGIC = '\u0000cartwheel-archive-v1 aes-256-gcm ';
const MAX_HEADER = 128;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Which archived file this is: bound into its ciphertext. */
export interface ArchiveFileContext {
  businessDate: string;
  name: string;
}

export interface PlainDigest {
  sha256: string;
  bytes: number;
}

/** An archived file cannot be read back: damaged (fails authentication, malformed) or its key is not configured. */
export class ArchiveCipherError extends Error {
  constructor(message: string, readonly missingKey = false) {
    super(message);
  }
}

function archiveKey(material: Buffer): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'cartwheel-archive-v1 aes-256-gcm', 32)));
}

function associatedData(header: Buffer, context: ArchiveFileContext): Buffer {
  return Buffer.concat([header, Buffer.from(`\u0000${context.businessDate}/${context.name}`, 'utf8')]);
}

/** Encrypt `source` (a path, or a stream: domain/storage.ts) into `target` with the ring's current key; returns the plaintext's digest. */
export async function encryptFile(source: string | Readable, target: string, ring: KeyRing, context: ArchiveFileContext): Promise<PlainDigest> {
  const header = Buffer.from(`${MAGIC}${ring.current.id}\n`, 'utf8');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', archiveKey(ring.current.key), iv);
  cipher.setAAD(associatedData(header, context));
  const hash = createHash('sha256');
  let bytes = 0;
  const encrypt = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, cipher.update(chunk));
    },
    flush(done: TransformCallback) {
      done(null, Buffer.concat([cipher.final(), cipher.getAuthTag()]));
    },
  });
  const out = createWriteStream(target);
  out.write(Buffer.concat([header, iv]));
  await pipeline(typeof source === 'string' ? createReadStream(source) : source, encrypt, out);
  return { sha256: hash.digest('hex'), bytes };
}

/** The key id of an encrypted archive file, or undefined for a plaintext one (archived before encryption). */
export function encryptedKeyId(file: string): string | undefined {
  const header = readHeader(file);
  return header?.keyId;
}

function readHeader(file: string): { keyId: string; length: number } | undefined {
  const fd = openSync(file, 'r');
  try {
    const start = Buffer.alloc(MAX_HEADER);
    const read = readSync(fd, start, 0, MAX_HEADER, 0);
    const text = start.subarray(0, read).toString('latin1');
    if (!text.startsWith(MAGIC)) return undefined;
    const end = text.indexOf('\n');
    if (end === -1) throw new ArchiveCipherError('the encryption header is cut short');
    return { keyId: text.slice(MAGIC.length, end), length: end + 1 };
  } finally {
    closeSync(fd);
  }
}

/**
 * Decrypt (or, for a plaintext archive file, copy) `file` into `target` if given, returning the
 * plaintext's digest. Nothing is trusted before the tag is checked: on failure `target` is removed.
 */
export async function readArchivedFile(file: string, ring: ReadonlyMap<string, Buffer>, context: ArchiveFileContext, target?: string): Promise<PlainDigest> {
  const header = readHeader(file);
  const hash = createHash('sha256');
  let bytes = 0;
  const sink = (): Writable =>
    target
      ? createWriteStream(target)
      : new Writable({ write: (_chunk, _encoding, done) => done() });
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    if (!header) {
      await pipeline(createReadStream(file), measure, sink());
      return { sha256: hash.digest('hex'), bytes };
    }
    const material = ring.get(header.keyId);
    if (!material) throw new ArchiveCipherError(`encrypted with key "${header.keyId}", which is not configured (CARTWHEEL_PII_KEY / CARTWHEEL_PII_PREVIOUS_KEYS)`, true);
    const iv = Buffer.alloc(IV_BYTES);
    const fd = openSync(file, 'r');
    try {
      if (readSync(fd, iv, 0, IV_BYTES, header.length) !== IV_BYTES) throw new ArchiveCipherError('it is cut short');
    } finally {
      closeSync(fd);
    }
    const decipher = createDecipheriv('aes-256-gcm', archiveKey(material), iv);
    decipher.setAAD(associatedData(Buffer.from(`${MAGIC}${header.keyId}\n`, 'utf8'), context));
    await pipeline(createReadStream(file, { start: header.length + IV_BYTES }), new Decrypt(decipher), measure, sink());
    return { sha256: hash.digest('hex'), bytes };
  } catch (error) {
    if (target) rmSync(target, { force: true });
    if (error instanceof ArchiveCipherError) throw error;
    if (header) throw new ArchiveCipherError('it failed authentication (tampered, truncated, or encrypted for another day or file)');
    throw error;
  }
}

/** Streams ciphertext through the decipher, holding back the last 16 bytes: the tag, checked at the end. */
class Decrypt extends Transform {
  private tail = Buffer.alloc(0);

  constructor(private readonly decipher: DecipherGCM) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const data = Buffer.concat([this.tail, chunk]);
    const keep = Math.min(TAG_BYTES, data.length);
    this.tail = data.subarray(data.length - keep);
    done(null, this.decipher.update(data.subarray(0, data.length - keep)));
  }

  override _flush(done: TransformCallback): void {
    try {
      if (this.tail.length !== TAG_BYTES) throw new ArchiveCipherError('it is cut short');
      this.decipher.setAuthTag(this.tail);
      done(null, this.decipher.final());
    } catch (error) {
      done(error instanceof ArchiveCipherError ? error : new ArchiveCipherError('it failed authentication (tampered, truncated, or encrypted for another day or file)'));
    }
  }
}
