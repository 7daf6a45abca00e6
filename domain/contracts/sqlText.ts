/**
 * Small helpers for writing ClickHouse SQL from the contracts: literals and regular expressions.
 * ClickHouse's `match` uses RE2 in UTF-8 mode, where `.` also matches a line break and `$` is the
 * end of the text (as in JavaScript without the m flag).
 */

/** A ClickHouse string literal holding exactly `text`. */
export function sqlString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\0/g, '\\0')}'`;
}

/** `match(raw, pattern)` for an RE2-compatible pattern. */
export function sqlMatch(raw: string, pattern: RegExp | string): string {
  return `match(${raw}, ${sqlPattern(pattern)})`;
}

/** The string literal of an RE2 pattern, from RE2 source text or a JavaScript pattern that means the same. */
export function sqlPattern(pattern: RegExp | string): string {
  return sqlString(typeof pattern === 'string' ? pattern : re2Source(pattern));
}

/** The source of a JavaScript pattern that means the same in RE2 (no flags beyond u, no lookaround). */
function re2Source(pattern: RegExp): string {
  if (pattern.flags.replace('u', '') !== '') throw new Error(`pattern ${pattern} has flags RE2 would not honour the same way`);
  // JavaScript's \s is Unicode white space, RE2's is ASCII only.
  if (/\\[sS]/.test(pattern.source)) throw new Error(`pattern ${pattern} uses \\s, which means less in RE2: spell the characters out`);
  if (/\(\?[=!<]/.test(pattern.source) || /\\[1-9]/.test(pattern.source)) throw new Error(`pattern ${pattern} needs lookaround or backreferences, which RE2 lacks`);
  return pattern.source;
}

/** `multiIf(c1, r1, c2, r2, …, otherwise)`, or just `otherwise` when there are no cases. */
export function sqlMultiIf(cases: readonly (readonly [string, string])[], otherwise: string): string {
  if (cases.length === 0) return otherwise;
  return `multiIf(${cases.map(([condition, result]) => `${condition}, ${result}`).join(', ')}, ${otherwise})`;
}
