/** sha256 and size of a file, streamed (exports can be large). */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

/** `file`: a path, or a stream of the bytes (a landed file on S3: domain/storage.ts). */
export async function fileDigest(file: string | Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of typeof file === 'string' ? createReadStream(file) : file) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
