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
 *
 * Dates are counted exactly in the proleptic Gregorian calendar for every year a format can write
 * (0000–9999): no library call that reads years 0–99 as 1900–1999 (Date.UTC does). `timestampSql`
 * is the same parser in ClickHouse SQL; test/unit/contractSql.test.ts holds the two equal.
 */
import { sqlMatch } from './sqlText';

export const DATE_FORMATS = ['iso8601', 'ymd_hms', 'dmy', 'epoch_s', 'epoch_ms'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export const DEFAULT_DATE_FORMATS: readonly DateFormat[] = ['ymd_hms', 'iso8601'];

// The formats' patterns never both match one text, so "the first format that accepts" is "the one
// whose pattern matches, if its date exists": the SQL below relies on that.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const YMD_HMS = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const DMY = /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const EPOCH_S = /^\d{9,10}$/;
const EPOCH_MS = /^\d{12,13}$/;

/** Where each part of a civil timestamp is among a pattern's groups (1-based; 0: absent). */
interface Layout {
  pattern: RegExp;
  year: number; month: number; day: number; hour: number; minute: number; second: number; fraction: number; zone: number;
}

const LAYOUTS: Partial<Record<DateFormat, Layout>> = {
  iso8601: { pattern: ISO, year: 1, month: 2, day: 3, hour: 4, minute: 5, second: 6, fraction: 7, zone: 8 },
  ymd_hms: { pattern: YMD_HMS, year: 1, month: 2, day: 3, hour: 4, minute: 5, second: 6, fraction: 7, zone: 0 },
  dmy: { pattern: DMY, year: 3, month: 2, day: 1, hour: 4, minute: 5, second: 6, fraction: 0, zone: 0 },
};

const EPOCHS: Partial<Record<DateFormat, { pattern: RegExp; scale: number }>> = {
  epoch_s: { pattern: EPOCH_S, scale: 1000 },
  epoch_ms: { pattern: EPOCH_MS, scale: 1 },
};

function parseWith(format: DateFormat, text: string): number | undefined {
  const epoch = EPOCHS[format];
  if (epoch) return epoch.pattern.test(text) ? Number(text) * epoch.scale : undefined;
  const layout = LAYOUTS[format]!;
  const m = layout.pattern.exec(text);
  if (!m) return undefined;
  const part = (group: number) => (group === 0 ? '' : (m[group] ?? ''));
  return civil(part(layout.year), part(layout.month), part(layout.day), part(layout.hour), part(layout.minute), part(layout.second), part(layout.fraction), part(layout.zone));
}

/** Parse with the first of `formats` that accepts the text; undefined when none does. */
export function parseTimestamp(text: string, formats: readonly DateFormat[] = DEFAULT_DATE_FORMATS): number | undefined {
  for (const format of formats) {
    const ms = parseWith(format, text);
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

const MS_PER_DAY = 86_400_000;

/**
 * Days from 1970-01-01 to year-month-day in the proleptic Gregorian calendar (H. Hinnant's
 * days_from_civil), exact for any year ≥ -400 with whole-number arithmetic only.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = year + 400 - (month <= 2 ? 1 : 0); // shifted by one 400-year era: never negative
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return (era - 1) * 146_097 + doe - 719_468;
}

/**
 * Epoch milliseconds of a UTC date written YYYY-MM-DD (for configured bounds; 10000-01-01 is allowed
 * as the end of everything a format can write); undefined if it is not a date.
 */
export function dateToEpochMs(date: string): number | undefined {
  const m = /^(\d{4}|10000)-(\d{2})-(\d{2})$/.exec(date);
  return m ? civil(m[1], m[2], m[3], '', '', '', '', '') : undefined;
}

function civil(y: string, mo: string, d: string, h: string, mi: string, s: string, fraction: string, zone: string): number | undefined {
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (day > daysInMonth(year, month)) return undefined;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + ms - zoneOffsetMs(zone);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

function zoneOffsetMs(zone: string): number {
  if (zone === '' || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  return sign * (hours * 60 + minutes) * 60_000;
}

/**
 * SQL over a String `raw`: a Tuple(UInt8, Int64) expression, (1, epoch milliseconds) when one of
 * `formats` accepts the text, else (0, 0).
 *
 * Cheap on purpose (it runs for every timestamp of every row): each format's pattern is matched
 * once, and the parts are read at fixed positions, which the patterns guarantee: YYYY-MM-DD… has
 * the year at 1, month at 6, day at 9; DD/MM/YYYY… (a '/' at 3) the day at 1, month at 4, year at
 * 7; all have the hour at 12, the minute at 15 and, after a ':' at 17, the second at 18; a fraction
 * follows a '.' at 20 up to the zone, which starts at the only 'Z', '+' or '-' after position 17.
 */
export function timestampSql(raw: string, formats: readonly DateFormat[]): string {
  const epochBranches: string[] = [];
  const civilMatches: string[] = [];
  for (const format of formats) {
    const epoch = EPOCHS[format];
    if (epoch) epochBranches.push(`${sqlMatch(raw, epoch.pattern)}, tuple(toUInt8(1), toInt64OrZero(${raw}) * ${epoch.scale})`);
    else civilMatches.push(sqlMatch(raw, LAYOUTS[format]!.pattern));
  }
  const none = 'tuple(toUInt8(0), toInt64(0))';
  let otherwise = none;
  if (civilMatches.length > 0) {
    const has = (format: DateFormat) => formats.includes(format);
    const ymdFirst = has('iso8601') || has('ymd_hms');
    const at = (position: number, length: number) => `toInt64OrZero(substring(${raw}, ${position}, ${length}))`;
    // Only what the configured formats can write is read: DD/MM/YYYY's order, fractions, zones.
    const dmy = `(substring(${raw}, 3, 1) = '/')`;
    const pick = (ymd: string, dayFirst: string) => (!has('dmy') ? ymd : !ymdFirst ? dayFirst : `if(${dmy}, ${dayFirst}, ${ymd})`);
    const year = pick(at(1, 4), at(7, 4));
    const month = pick(at(6, 2), at(4, 2));
    const day = pick(at(9, 2), at(1, 2));
    const hour = at(12, 2);
    const minute = at(15, 2);
    const second = `if(substring(${raw}, 17, 1) = ':', ${at(18, 2)}, 0)`;
    const zoneStart = `greatest(position(${raw}, 'Z', 17), position(${raw}, '+', 17), position(${raw}, '-', 17))`;
    const fractionEnd = has('iso8601') ? `if(${zoneStart} = 0, length(${raw}) + 1, ${zoneStart})` : `length(${raw}) + 1`;
    const millis = ymdFirst ? `if(substring(${raw}, 20, 1) = '.', toInt64OrZero(substring(rightPad(substring(${raw}, 21, ${fractionEnd} - 21), 3, '0'), 1, 3)), 0)` : '0';
    const zone = `substring(${raw}, ${zoneStart})`;
    const offsetMinutes = has('iso8601')
      ? `if(${zoneStart} = 0 OR ${zone} = 'Z', 0, if(${zone} LIKE '-%', -1, 1) * (toInt64OrZero(substring(${zone}, 2, 2)) * 60 + toInt64OrZero(right(${zone}, 2))))`
      : '0';
    // Every numbered part once, bound by a lambda: the decision below refers to them many times.
    const n = `[${year}, ${month}, ${day}, ${hour}, ${minute}, ${second}, ${millis}, ${offsetMinutes}]`;
    const leap = '((n[1] % 4 = 0 AND n[1] % 100 != 0) OR n[1] % 400 = 0)';
    const exists = `n[2] BETWEEN 1 AND 12 AND n[3] BETWEEN 1 AND if(n[2] = 2, 28 + ${leap}, 30 + ((n[2] + intDiv(n[2], 8)) % 2)) AND n[4] <= 23 AND n[5] <= 59 AND n[6] <= 59`;
    // days_from_civil as in daysFromCivil above: all operands non-negative, so intDiv is floor.
    const y = '(n[1] + 400 - (n[2] <= 2))';
    const days = `((intDiv(${y}, 400) - 1) * 146097 + (${y} % 400) * 365 + intDiv(${y} % 400, 4) - intDiv(${y} % 400, 100) + intDiv(153 * ((n[2] + 9) % 12) + 2, 5) + n[3] - 1 - 719468)`;
    const ms = `${days} * ${MS_PER_DAY} + ((n[4] * 60 + n[5]) * 60 + n[6]) * 1000 + n[7] - n[8] * 60000`;
    const matched = civilMatches.length === 1 ? civilMatches[0] : `(${civilMatches.join(' OR ')})`;
    otherwise = `if(${matched}, arrayMap(n -> tuple(toUInt8(${exists}), toInt64(${ms})), [${n}])[1], ${none})`;
  }
  return epochBranches.length === 0 ? otherwise : `multiIf(${epochBranches.join(', ')}, ${otherwise})`;
}
