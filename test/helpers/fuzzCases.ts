/**
 * fast-check arbitraries for fuzzing ingestion: byte-level mutations of valid export files and
 * files of generated rows. Mutations are data (not closures) so a failing case prints readably.
 */
import fc from 'fast-check';
import Papa from 'papaparse';
import { csvLine } from '../../pipeline/files/csvText';

/** Bytes that break CSV structure or encoding when dropped anywhere in a file. */
const NASTY: Record<string, number[]> = {
  quote: [0x22],
  lf: [0x0a],
  crlf: [0x0d, 0x0a],
  cr: [0x0d],
  comma: [0x2c],
  bom: [0xef, 0xbb, 0xbf],
  nul: [0x00],
  invalidByte: [0xff],
  loneContinuation: [0x80],
  truncatedMultibyte: [0xe2, 0x82],
  overlong: [0xc0, 0xaf],
  surrogate: [0xed, 0xa0, 0x80],
  emoji: [0xf0, 0x9f, 0x98, 0x80],
  quotedBreak: [0x22, 0x0a, 0x22],
};

export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: keyof typeof NASTY }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicateLine'; at: number }
  | { kind: 'shuffleColumns'; seed: number; headerOnly: boolean };

const position = fc.nat({ max: 1 << 20 });

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.constantFrom(...(Object.keys(NASTY) as (keyof typeof NASTY)[])) }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: position }),
  fc.record({ kind: fc.constant('shuffleColumns' as const), seed: fc.nat(), headerOnly: fc.boolean() }),
);

export function applyMutation(file: Buffer, m: Mutation): Buffer {
  const at = file.length === 0 ? 0 : m.kind === 'shuffleColumns' ? 0 : m.at % (file.length + 1);
  switch (m.kind) {
    case 'flip': {
      if (file.length === 0) return file;
      const out = Buffer.from(file);
      out[at % file.length] ^= 1 << m.bit;
      return out;
    }
    case 'truncate':
      return file.subarray(0, at);
    case 'insert':
      return Buffer.concat([file.subarray(0, at), Buffer.from(NASTY[m.bytes]), file.subarray(at)]);
    case 'delete':
      return Buffer.concat([file.subarray(0, at), file.subarray(at + m.length)]);
    case 'duplicateLine': {
      const start = file.lastIndexOf(0x0a, at - 1) + 1;
      const end = file.indexOf(0x0a, at);
      const line = file.subarray(start, end === -1 ? file.length : end + 1);
      return Buffer.concat([file.subarray(0, start), line, file.subarray(start)]);
    }
    case 'shuffleColumns':
      return shuffleColumns(file, m.seed, m.headerOnly);
  }
}

/**
 * Reorder columns: consistently in every row (the file means the same; ingest reads by name) or in
 * the header only (every value lands under another column's name).
 */
function shuffleColumns(file: Buffer, seed: number, headerOnly: boolean): Buffer {
  const text = file.toString('utf8');
  const parsed = Papa.parse<string[]>(text, { delimiter: ',' });
  const width = parsed.data[0]?.length ?? 0;
  const order = [...Array(width).keys()];
  let s = seed;
  for (let i = order.length - 1; i > 0; i -= 1) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const lines = parsed.data.map((fields, i) => (i === 0 || !headerOnly) && fields.length === width ? order.map((k) => fields[k]) : fields);
  return Buffer.from(lines.map((fields) => csvLine(fields)).join(''), 'utf8');
}

/** Field values: plausible ones taken from a valid file, edge cases and arbitrary Unicode. */
export function fieldArb(plausible: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...plausible) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', 'NaN', '-1', '1e309', '0x10', '9'.repeat(40), '2024-02-30 10:00:00', '2024-03-10T10:00:00+25:00', '=cmd|calc', "'; DROP TABLE fact_sales; --", '../../etc/passwd') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  );
}

/** Columns of a valid file, each with the values found in it (to generate plausible rows). */
export function columnValues(file: Buffer): { header: string[]; values: string[][] } {
  const parsed = Papa.parse<string[]>(file.toString('utf8').replace(/^\uFEFF/, ''), { delimiter: ',', skipEmptyLines: true });
  const [header, ...rows] = parsed.data;
  return { header, values: header.map((_, c) => [...new Set(rows.map((r) => r[c] ?? ''))]) };
}

/** A file of generated rows under the real header, joined with LF or CRLF, sometimes without a final break. */
export function generatedFileArb(header: readonly string[], values: readonly string[][]): fc.Arbitrary<{ content: Buffer; rows: number }> {
  const row = fc.tuple(...values.map((v) => fieldArb(v)));
  return fc
    .record({ rows: fc.array(row, { maxLength: 30 }), crlf: fc.boolean(), finalBreak: fc.boolean(), bom: fc.boolean() })
    .map(({ rows, crlf, finalBreak, bom }) => {
      const eol = crlf ? '\r\n' : '\n';
      const lines = [header, ...rows].map((fields) => csvLine(fields).slice(0, -1));
      const text = `${bom ? '\uFEFF' : ''}${lines.join(eol)}${finalBreak ? eol : ''}`;
      return { content: Buffer.from(text, 'utf8'), rows: rows.length };
    });
}
