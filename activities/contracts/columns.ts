/**
 * Column builders for source contracts. Each builder returns a zod schema that turns one raw CSV
 * field (always a string; empty means missing) into its typed value, and registers how the column is
 * stored downstream. The zod object built from these is the single source of truth: Arrow/Parquet
 * and ClickHouse types are derived from the registered storage kind, and each builder also yields
 * the ClickHouse SQL that decides the same thing (`ColumnMeta.sql`; test/contractSql.test.ts holds
 * the two equal on generated and nasty values).
 *
 * Every builder decides a value in one step and gives at most one issue per column, so a row's
 * reason (its first issue, and how many more there are) is the same whichever side decided it.
 */
import { z } from 'zod';
import { normaliseEmail, normalisePhone } from './personalValues';
import { sqlMatch, sqlMultiIf, sqlString } from './sqlText';
import { DEFAULT_DATE_FORMATS, describeFormats, parseTimestamp, type DateFormat } from './timestamps';

/** How a column is stored in Parquet and ClickHouse. Money is kept as integer cents: exact. */
export type StorageKind = 'string' | 'int32' | 'cents' | 'timestamp';

/** Personal data: each kind is encrypted, masked its own way and, for e-mail and phone, tokenised. */
export type PersonalKind = 'name' | 'email' | 'phone' | 'street';

/** What a column did to a value on purpose, to be counted: '' when nothing. */
export type Normalisation = '' | 'null_token' | 'line_break';

/**
 * The SQL twin of a column's zod schema, over `raw`: a String expression (never NULL; '' is missing).
 * Callers may pass a column name or any expression; it is repeated, so wrap an expensive one first.
 */
export interface ColumnSql {
  /**
   * The typed value, meaningful where `reason` is '': String (Nullable(String) when the column is
   * nullable, NULL when missing), Int32, Int64 cents, or Int64 epoch milliseconds UTC (Nullable for
   * optional timestamps).
   */
  value: string;
  /** String: '' when the value is valid, else exactly the message zod gives as the column's issue. */
  reason: string;
  /** String: '' when the value was kept as delivered, else a Normalisation ('null_token', 'line_break'). */
  normalised: string;
}

export interface ColumnMeta {
  storage: StorageKind;
  nullable: boolean;
  /**
   * Personal data: never stored as delivered past ingest (see contracts/protectedColumns.ts). Code
   * that prints values (quarantine, quality samples) finds personal columns by this flag.
   */
  personal?: PersonalKind;
  /**
   * A column added to the contract after exports existed: a file without it (an older export, an
   * archived day) reads it as empty instead of failing the header check. Nullable columns only.
   */
  optionalInHeader?: boolean;
  /** The ClickHouse expressions deciding what the zod schema decides, over a raw String expression. */
  sql: (raw: string) => ColumnSql;
  /** The JavaScript twin of `sql(raw).normalised`: what the schema did to a raw value on purpose. */
  normalised: (raw: string) => Normalisation;
}

export const columnRegistry = z.registry<ColumnMeta>();

const MISSING = 'required value is missing';

type Verdict<T> = { value: T } | { reason: string };

/** A column decided in one step by `decide`; `meta` says how it is stored and its SQL twin. */
function column<T>(decide: (raw: string) => Verdict<T>, meta: Omit<ColumnMeta, 'normalised'> & Partial<Pick<ColumnMeta, 'normalised'>>): z.ZodType<T, string> {
  const schema = z.string({ error: MISSING }).transform((raw, ctx) => {
    const verdict = decide(raw);
    if ('value' in verdict) return verdict.value;
    ctx.addIssue({ code: 'custom', message: verdict.reason });
    return z.NEVER;
  }) as unknown as z.ZodType<T, string>;
  columnRegistry.add(schema, { normalised: () => '', ...meta });
  return schema;
}

const untouched = (): string => "''";

/** A required text value, optionally constrained by a pattern. */
export function text(options: { pattern?: RegExp; describe?: string } = {}) {
  const { pattern } = options;
  const mismatch = pattern ? `must be ${options.describe ?? `like ${pattern}`}` : '';
  return column<string>(
    (raw) => (raw === '' ? { reason: MISSING } : pattern && !pattern.test(raw) ? { reason: mismatch } : { value: raw }),
    {
      storage: 'string',
      nullable: false,
      sql: (raw) => ({
        value: raw,
        reason: sqlMultiIf([[`${raw} = ''`, sqlString(MISSING)], ...(pattern ? [[`NOT ${sqlMatch(raw, pattern)}`, sqlString(mismatch)] as const] : [])], "''"),
        normalised: untouched(),
      }),
    },
  );
}

/** Optional text: an empty field becomes null (a null strategy may fill it later). */
export function optionalText() {
  return column<string | null>((raw) => ({ value: raw === '' ? null : raw }), {
    storage: 'string',
    nullable: true,
    sql: (raw) => ({ value: `if(${raw} = '', NULL, ${raw})`, reason: "''", normalised: untouched() }),
  });
}

/** One of a fixed set of values. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const allowed = new Set<string>(values);
  const notOne = `must be one of ${values.join(', ')}`;
  return column<T[number]>(
    (raw) => (allowed.has(raw) ? { value: raw as T[number] } : { reason: raw === '' ? MISSING : notOne }),
    {
      storage: 'string',
      nullable: false,
      sql: (raw) => ({
        value: raw,
        reason: sqlMultiIf([[`${raw} = ''`, sqlString(MISSING)], [`${raw} IN (${values.map(sqlString).join(', ')})`, "''"]], sqlString(notOne)),
        normalised: untouched(),
      }),
    },
  );
}

const INTEGER = /^-?\d{1,9}$/;

/** A whole number within [min, max]. */
export function integer(min: number, max: number) {
  const outside = `must be between ${min} and ${max}`;
  return column<number>(
    (raw) => {
      if (raw === '') return { reason: MISSING };
      if (!INTEGER.test(raw)) return { reason: 'must be a whole number' };
      const n = Number(raw);
      return n >= min && n <= max ? { value: n } : { reason: outside };
    },
    {
      storage: 'int32',
      nullable: false,
      sql: (raw) => ({
        value: `toInt32OrZero(${raw})`,
        reason: sqlMultiIf(
          [
            [`${raw} = ''`, sqlString(MISSING)],
            [`NOT ${sqlMatch(raw, INTEGER)}`, sqlString('must be a whole number')],
            [`NOT (toInt64OrZero(${raw}) BETWEEN ${min} AND ${max})`, sqlString(outside)],
          ],
          "''",
        ),
        normalised: untouched(),
      }),
    },
  );
}

const MONEY = /^(-?)(\d{1,12})(?:\.(\d{1,2}))?$/;

/** A non-negative amount with at most two decimals, parsed exactly into integer cents. */
export function money() {
  return column<number>(
    (raw) => {
      if (raw === '') return { reason: MISSING };
      const m = MONEY.exec(raw);
      if (!m) return { reason: 'must be an amount with at most two decimals' };
      const [, sign, units, fraction = ''] = m;
      const cents = Number(units) * 100 + Number(fraction.padEnd(2, '0'));
      return sign === '-' && cents > 0 ? { reason: 'must not be negative' } : { value: sign === '-' ? -cents : cents };
    },
    {
      storage: 'cents',
      nullable: false,
      sql: (raw) => {
        // Exact: the digits without the point, scaled by the decimals they lack (14 digits fit Int64).
        const decimals = `if(position(${raw}, '.') = 0, 0, length(${raw}) - position(${raw}, '.'))`;
        const cents = `(toInt64OrZero(replaceOne(${raw}, '.', '')) * if(${decimals} = 0, 100, if(${decimals} = 1, 10, 1)))`;
        return {
          value: cents,
          reason: sqlMultiIf(
            [
              [`${raw} = ''`, sqlString(MISSING)],
              [`NOT ${sqlMatch(raw, MONEY)}`, sqlString('must be an amount with at most two decimals')],
              [`${cents} < 0`, sqlString('must not be negative')],
            ],
            "''",
          ),
          normalised: untouched(),
        };
      },
    },
  );
}

function notCompiled(kind: string): (raw: string) => ColumnSql {
  return () => {
    throw new Error(`the SQL twin of ${kind} columns is not written yet`);
  };
}

function parsedTimestamp(allowEmpty: boolean, formats: readonly DateFormat[]) {
  const expected = `not a valid timestamp (expected ${describeFormats(formats)})`;
  return (raw: string): Verdict<number | null> => {
    if (raw === '') return allowEmpty ? { value: null } : { reason: MISSING };
    const ms = parseTimestamp(raw, formats);
    return ms === undefined ? { reason: expected } : { value: ms };
  };
}

/** A required timestamp in one of the accepted formats, standardised to epoch milliseconds UTC. */
export function timestamp(formats: readonly DateFormat[] = DEFAULT_DATE_FORMATS) {
  return column(parsedTimestamp(false, formats) as (raw: string) => Verdict<number>, { storage: 'timestamp', nullable: false, sql: notCompiled('timestamp') });
}

/** An optional timestamp: empty becomes null, anything else must parse. */
export function optionalTimestamp(formats: readonly DateFormat[] = DEFAULT_DATE_FORMATS) {
  return column(parsedTimestamp(true, formats), { storage: 'timestamp', nullable: true, sql: notCompiled('timestamp') });
}

const CONTROL = /\p{Cc}/u;
const LETTER = /\p{L}/u;
const MAX_PERSONAL_TEXT = 200;

interface PersonalOptions {
  /** See ColumnMeta.optionalInHeader. */
  optionalInHeader?: boolean;
}

/**
 * Optional personal text (a name, a street): empty becomes null; otherwise at least one letter, no
 * control characters, at most 200 characters. Messages never repeat the value: it is personal data.
 */
export function personalText(kind: 'name' | 'street', options: PersonalOptions = {}) {
  const tooLong = `must be at most ${MAX_PERSONAL_TEXT} characters`;
  const control = 'must not contain control characters (tabs, line breaks)';
  const noLetter = 'must contain at least one letter';
  return column<string | null>(
    (raw) => {
      if (raw === '') return { value: null };
      if (raw.length > MAX_PERSONAL_TEXT) return { reason: tooLong };
      if (CONTROL.test(raw)) return { reason: control };
      if (!LETTER.test(raw)) return { reason: noLetter };
      return { value: raw };
    },
    {
      storage: 'string',
      nullable: true,
      personal: kind,
      ...options,
      sql: (raw) => ({
        value: `if(${raw} = '', NULL, ${raw})`,
        reason: sqlMultiIf(
          [
            [`${raw} = ''`, "''"],
            // JavaScript counts UTF-16 code units: a character beyond the BMP (4 bytes in UTF-8) counts twice.
            [`lengthUTF8(${raw}) + countMatches(${raw}, '[\\\\x{10000}-\\\\x{10FFFF}]') > ${MAX_PERSONAL_TEXT}`, sqlString(tooLong)],
            [sqlMatch(raw, '[\\x{00}-\\x{1F}\\x{7F}-\\x{9F}]'), sqlString(control)],
            [`NOT ${sqlMatch(raw, '\\p{L}')}`, sqlString(noLetter)],
          ],
          "''",
        ),
        normalised: untouched(),
      }),
    },
  );
}

const NOT_EMAIL = 'must be an e-mail address like name@example.com (no spaces, one @, a dot in the domain)';
const NOT_PHONE = 'must be a Brazilian phone number: area code and 8 or 9 digits, e.g. (11) 91234-5678 or +55 11 91234 5678';

/** An optional e-mail address (local@domain.tld), standardised to lower case. */
export function emailAddress(options: PersonalOptions = {}) {
  return column<string | null>(
    (raw) => {
      if (raw === '') return { value: null };
      const email = normaliseEmail(raw);
      return email === undefined ? { reason: NOT_EMAIL } : { value: email };
    },
    { storage: 'string', nullable: true, personal: 'email', ...options, sql: notCompiled('e-mail') },
  );
}

/** An optional Brazilian phone number in any usual notation, standardised to +55DDNNNNNNNN(N). */
export function phoneNumber(options: PersonalOptions = {}) {
  return column<string | null>(
    (raw) => {
      if (raw === '') return { value: null };
      const phone = normalisePhone(raw);
      return phone === undefined ? { reason: NOT_PHONE } : { value: phone };
    },
    { storage: 'string', nullable: true, personal: 'phone', ...options, sql: notCompiled('phone') },
  );
}
