/**
 * Timestamp parsing for source files. Every accepted form becomes epoch milliseconds in UTC, so the
 * result never depends on the machine's time zone (z.coerce.date would read local time). Which forms
 * a column accepts is configuration: a source that exports DD/MM/YYYY says so, and nothing is guessed.
 *
 *   iso8601   2024-03-10, 2024-03-10T14:20:07, 2024-03-10T14:20:07.5Z, 2024-03-10T14:20:07-03:00
 *   ymd_hms   2024-03-10 14:20:07 (exports without a zone are UTC by contract)
 *   dmy       10/03/2024, 10/03/2024 14:20 or 10/03/2024 14:20:07
 *   epoch_s   1710080407
 *   epoch_ms  1710080407000
 */
export const DATE_FORMATS = ['iso8601', 'ymd_hms', 'dmy', 'epoch_s', 'epoch_ms'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export const DEFAULT_DATE_FORMATS: readonly DateFormat[] = ['ymd_hms', 'iso8601'];

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const YMD_HMS = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const DMY = /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const EPOCH_S = /^\d{9,10}$/;
const EPOCH_MS = /^\d{12,13}$/;

type Parser = (text: string) => number | undefined;

const PARSERS: Record<DateFormat, Parser> = {
  iso8601: (text) => {
    const m = ISO.exec(text);
    return m ? civil(m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]) : undefined;
  },
  ymd_hms: (text) => {
    const m = YMD_HMS.exec(text);
    return m ? civil(m[1], m[2], m[3], m[4], m[5], m[6], m[7]) : undefined;
  },
  dmy: (text) => {
    const m = DMY.exec(text);
    return m ? civil(m[3], m[2], m[1], m[4], m[5], m[6]) : undefined;
  },
  epoch_s: (text) => (EPOCH_S.test(text) ? Number(text) * 1000 : undefined),
  epoch_ms: (text) => (EPOCH_MS.test(text) ? Number(text) : undefined),
};

/** Parse with the first of `formats` that accepts the text; undefined when none does. */
export function parseTimestamp(text: string, formats: readonly DateFormat[] = DEFAULT_DATE_FORMATS): number | undefined {
  for (const format of formats) {
    const ms = PARSERS[format](text);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

/** Human description of the accepted formats, for quarantine reasons. */
export function describeFormats(formats: readonly DateFormat[]): string {
  const examples: Record<DateFormat, string> = {
    iso8601: 'ISO 8601',
    ymd_hms: 'YYYY-MM-DD HH:MM:SS',
    dmy: 'DD/MM/YYYY',
    epoch_s: 'epoch seconds',
    epoch_ms: 'epoch milliseconds',
  };
  return formats.map((f) => examples[f]).join(' or ');
}

function civil(y: string, mo: string, d: string, h = '0', mi = '0', s = '0', fraction = '', zone?: string): number | undefined {
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  // Date.UTC would roll 2024-02-30 over to March: refuse days the month does not have.
  if (day > daysInMonth(year, month)) return undefined;
  const ms = fraction === '' ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3));
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - zoneOffsetMs(zone);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  return sign * (hours * 60 + minutes) * 60_000;
}
