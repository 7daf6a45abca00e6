/**
 * What the engine says when a file is not CSV it can read (a quote closed in the middle of a field,
 * say), turned into a refusal that names the file and the record, without the engine's excerpt of
 * the data (which may hold personal data). Anything else (the engine unreachable, out of memory) is
 * not bad input and goes up unchanged, to be retried.
 */
import { badInput } from '../../domain/failures';

/** ClickHouse error codes that mean the bytes could not be parsed as the format says. */
const PARSE_ERRORS = new Set([6, 26, 27, 33, 38, 41, 72, 117]);

export function engineRefusal(file: string, error: unknown): unknown {
  const message = String((error as Error)?.message ?? error);
  const code = Number((error as { code?: unknown }).code ?? /Code: (\d+)/.exec(message)?.[1]);
  if (!PARSE_ERRORS.has(code)) return error;
  const problem = /DB::Exception: ([^\n]*?)(?::? before: |: \(at row|\(at row|\n|$)/.exec(message)?.[1]?.trim() ?? 'cannot be parsed';
  const row = /\(at row (\d+)\)/.exec(message)?.[1];
  return badInput(`${file}: not readable as CSV: ${problem}${row ? ` (near record ${row})` : ''}`, 'UnreadableSourceFile');
}
