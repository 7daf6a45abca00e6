/**
 * Match a CSV header to a contract's columns by name: where each expected column sits in the file.
 * Reordered columns are fine; a missing or unknown column fails the file, non-retryably, naming both
 * lists. Quarantine columns (`_file … _reason`) are ignored, so a fixed quarantine file can be landed
 * again. A column the contract allows a file to lack (`optional`) reads as position -1: empty.
 */
import { badInput } from '../../domain/failures';

/** Columns a quarantine file puts before the original ones; ingest ignores them, so a fixed quarantine file can be landed again. */
export const QUARANTINE_HEADER = ['_file', '_line', '_column', '_value', '_reason'] as const;

export function headerPositions(
  file: string,
  header: readonly string[],
  expected: readonly string[],
  contract: string,
  optional: readonly string[] = [],
): number[] {
  const present = header.filter((name) => !(QUARANTINE_HEADER as readonly string[]).includes(name));
  const missing = expected.filter((name) => !present.includes(name) && !optional.includes(name));
  const unknown = present.filter((name) => !expected.includes(name));
  if (missing.length > 0 || unknown.length > 0) {
    throw badInput(
      `${file} line 1: header does not match the ${contract}` +
        (missing.length ? `; missing columns: ${missing.join(', ')}` : '') +
        (unknown.length ? `; unknown columns: ${unknown.join(', ')}` : ''),
      'HeaderMismatch',
    );
  }
  return expected.map((name) => header.indexOf(name));
}
