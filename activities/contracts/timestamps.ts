/**
 * Timestamp parsing for source files. Every accepted form becomes epoch milliseconds in UTC, so the
 * result never depends on the machine's time zone (z.coerce.date would read local time).
 *
 * Accepted: `YYYY-MM-DD HH:MM:SS` (exports without zone are UTC by contract), `YYYY-MM-DD`, and
 * ISO 8601 with `T`, optional fraction and `Z` or a `±HH:MM` offset.
 */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseTimestamp(text: string): number | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  // Date.UTC rolls 2024-02-30 over to March; a calendar date that moved is not a real date.
  if (new Date(utc).getUTCDate() !== day) return undefined;
  return utc - zoneOffsetMs(zone);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

/** ISO 8601 UTC with milliseconds: the one form timestamps take after ingestion. */
export function toIsoUtc(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
