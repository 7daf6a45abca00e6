/**
 * Bytes to text, refusing anything that is not UTF-8 with the byte offset of the first bad byte.
 * A multibyte character split across two chunks is carried over, not mistaken for an error.
 */
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';

export class InvalidUtf8Error extends Error {
  constructor(readonly byteOffset: number) {
    super(`bytes that are not valid UTF-8 at byte offset ${byteOffset}`);
    this.name = 'InvalidUtf8Error';
  }
}

export class Utf8Text extends Transform {
  private carry = Buffer.alloc(0);
  private offset = 0;
  /** The last byte seen, to tell whether the file ends with a line break. */
  lastByte = -1;

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (chunk.length === 0) return done();
    this.lastByte = chunk[chunk.length - 1];
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const end = bytes.length - incompleteTail(bytes);
    const complete = bytes.subarray(0, end);
    if (!isUtf8(complete)) return done(new InvalidUtf8Error(this.offset + firstInvalidByte(complete)));
    this.offset += end;
    this.carry = Buffer.from(bytes.subarray(end));
    done(null, complete.toString('utf8'));
  }

  override _flush(done: TransformCallback): void {
    if (this.carry.length > 0) return done(new InvalidUtf8Error(this.offset));
    done();
  }
}

/** How many bytes at the end start a multibyte character that the next chunk completes (0-3). */
export function incompleteTail(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back += 1) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

/** Offset of the first byte that breaks UTF-8 (only called once a chunk is known to be invalid). */
export function firstInvalidByte(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i];
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length || !isUtf8(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return bytes.length;
}
