/** Newline-delimited JSON: how typed rows travel between activities, through files. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { TypedRow } from '../contracts';

export async function* readNdjson(filePath: string): AsyncGenerator<TypedRow> {
  const lines = createInterface({ input: createReadStream(filePath, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.length > 0) yield JSON.parse(line) as TypedRow;
  }
}
