/**
 * Configured values (accepted values, patterns, bounds) as SQL literals inside a check's aggregate:
 * the checks of one source share a single statement, so they cannot each bring query parameters.
 */

/** A ClickHouse string literal: backslash and quote escaped, so any text stays one literal. */
export function sqlString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A finite number as a SQL literal. */
export function sqlNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`${value} is not a finite number`);
  return String(value);
}
