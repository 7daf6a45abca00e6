/**
 * Column builders for source contracts. Each builder describes one column; built with the source's
 * settings (`buildColumn`) it becomes a zod schema that turns one raw CSV field (always a string;
 * empty means missing) into its typed value, and registers how the column is stored downstream. The
 * zod object built from these is the single source of truth: Arrow/Parquet and ClickHouse types are
 * derived from the registered storage kind, and each column also yields the ClickHouse SQL that
 * decides the same thing (`ColumnMeta.sql`; test/unit/contractSql.test.ts holds the two equal on
 * generated and nasty values).
 *
 * Every column decides a value in one step and gives at most one issue, so a row's reason (its
 * first issue, and how many more there are) is the same whichever side decided it.
 *
 * Fidelity (issue 13): a value is kept exactly, refused with a reason, or normalised on purpose and
 * counted (`normalised`), never changed silently:
 *   - null tokens (`#N/A`, `NULL`, …; per source) are read as missing;
 *   - plausibility bounds (amount maximums, text lengths, date ranges) refuse with a reason naming
 *     the bound; the contract sets defaults, per-source settings override them per column;
 *   - free text with line breaks or tabs is kept, normalised to spaces, or refused, per column.
 */
import { z } from 'zod';
import { normaliseEmail, normaliseEmailSql, normalisePhone, normalisePhoneSql } from './personalValues';
import { sqlMatch, sqlMultiIf, sqlString } from './sqlText';
import { dateToEpochMs, DEFAULT_DATE_FORMATS, describeFormats, parseTimestamp, timestampSql, type DateFormat } from './timestamps';

/** How a column is stored in Parquet and ClickHouse. Money is kept as integer cents: exact. */
export type StorageKind = 'string' | 'int32' | 'cents' | 'timestamp';

/** Personal data: each kind is encrypted, masked its own way and, for e-mail and phone, tokenised. */
export type PersonalKind = 'name' | 'email' | 'phone' | 'street';

/** Which builder made a column: decides which bounds and settings apply to it. */
export type ColumnKind = 'text' | 'optionalText' | 'oneOf' | 'integer' | 'money' | 'timestamp' | 'optionalTimestamp' | 'personalText' | 'email' | 'phone';

/** What a column did to a value on purpose, to be counted: '' when nothing. */
export type Normalisation = '' | 'null_token' | 'line_break';

/** What free text does with line breaks and tabs: keep them, turn each into a space, or refuse the value. */
export const FREE_TEXT_MODES = ['keep', 'normalise', 'quarantine'] as const;
export type FreeTextMode = (typeof FREE_TEXT_MODES)[number];

/**
 * Plausibility bounds of a column. `max`: largest amount in currency units (money); `maxLength`:
 * most characters (Unicode code points; free text); `earliest` / `before`: the range [earliest,
 * before) of a timestamp, as YYYY-MM-DD dates in UTC.
 */
export interface ColumnBounds {
  max?: number;
  maxLength?: number;
  earliest?: string;
  before?: string;
}

export type BoundName = keyof ColumnBounds;

/** The bounds each kind of column has (and may be given in settings). */
export const BOUNDS_OF_KIND: Record<ColumnKind, readonly BoundName[]> = {
  text: [],
  optionalText: ['maxLength'],
  oneOf: [],
  integer: [],
  money: ['max'],
  timestamp: ['earliest', 'before'],
  optionalTimestamp: ['earliest', 'before'],
  personalText: ['maxLength'],
  email: [],
  phone: [],
};

/** The kinds of column that hold free text (line breaks and tabs handled per FreeTextMode). */
export const FREE_TEXT_KINDS: ReadonlySet<ColumnKind> = new Set<ColumnKind>(['optionalText', 'personalText']);

/** Values read as missing unless a source's settings say otherwise (the empty field always is). */
export const DEFAULT_NULL_TOKENS: readonly string[] = ['#N/A', 'N/A', 'NULL', 'null', '-'];

/** Date range of a timestamp unless the contract or settings say otherwise. */
export const DEFAULT_DATE_RANGE = { earliest: '1970-01-01', before: '2100-01-01' } as const;

/**
 * What a source's settings say about its columns (domain/settings/sources.ts validates them).
 * Everything is optional: the contract's defaults apply.
 */
export interface ContractSettings {
  dateFormats?: readonly DateFormat[];
  /** Values read as missing, besides the empty field. */
  nullTokens?: readonly string[];
  /** Bounds by column name, overriding the contract's. */
  bounds?: Readonly<Record<string, ColumnBounds>>;
  /** Free-text mode by column name, overriding the contract's. */
  freeText?: Readonly<Record<string, FreeTextMode>>;
}

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
  /**
   * String: '' when the raw value was read as delivered, 'null_token' when it was a null token
   * (read as missing), 'line_break' when its line breaks or tabs became spaces. Independent of the
   * verdict: count it over the valid rows.
   */
  normalised: string;
}

export interface ColumnMeta {
  storage: StorageKind;
  nullable: boolean;
  kind: ColumnKind;
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
  /** The bounds in force (contract defaults with the settings' overrides). */
  bounds?: ColumnBounds;
  /** The ClickHouse expressions deciding what the zod schema decides, over a raw String expression. */
  sql: (raw: string) => ColumnSql;
  /** The JavaScript twin of `sql(raw).normalised`. */
  normalised: (raw: string) => Normalisation;
}

export const columnRegistry = z.registry<ColumnMeta>();

/** What building a column knows: its name and the source's settings. */
export interface ColumnContext {
  name: string;
  settings: ContractSettings;
}

/** A column of a contract, to be built with the source's settings. */
export interface ColumnDef<T = unknown> {
  kind: ColumnKind;
  build(context: ColumnContext): z.ZodType<T, string>;
}

export type ColumnDefs = Record<string, ColumnDef>;

/** Build one column of a contract with the source's settings. */
export function buildColumn<T>(name: string, def: ColumnDef<T>, settings: ContractSettings = {}): z.ZodType<T, string> {
  return def.build({ name, settings });
}

/** The row schema of a contract's columns, built with the source's settings. */
export function buildRow<D extends ColumnDefs>(defs: D, settings: ContractSettings = {}): z.ZodObject<{ [K in keyof D]: D[K] extends ColumnDef<infer T> ? z.ZodType<T, string> : never }> {
  const shape = Object.fromEntries(Object.entries(defs).map(([name, def]) => [name, buildColumn(name, def, settings)]));
  return z.object(shape) as never;
}

const MISSING = 'required value is missing';
const LINE_BREAK_SQL = "'\\\\r\\\\n|[\\\\r\\\\n\\\\t]'";
const LINE_BREAK = /\r\n|[\r\n\t]/g;
const HAS_LINE_BREAK = /[\r\n\t]/;

type Verdict<T> = { value: T } | { reason: string };

/** How a column reads a raw value before deciding on it: null tokens and, for free text, line breaks. */
interface Reading {
  tokens: ReadonlySet<string>;
  /** Null tokens and '' as SQL: the condition that the raw value is missing. */
  missingSql: (raw: string) => string;
  freeText: FreeTextMode;
}

function readingOf(context: ColumnContext, freeText: FreeTextMode = 'keep'): Reading {
  const tokens = new Set((context.settings.nullTokens ?? DEFAULT_NULL_TOKENS).filter((t) => t !== ''));
  const list = [''].concat([...tokens]).map(sqlString).join(', ');
  return {
    tokens,
    missingSql: (raw) => (tokens.size === 0 ? `${raw} = ''` : `${raw} IN (${list})`),
    freeText: context.settings.freeText?.[context.name] ?? freeText,
  };
}

/** The raw value as the column decides on it: '' for a null token; line breaks as spaces when normalising. */
function read(reading: Reading, raw: string): string {
  if (reading.tokens.has(raw)) return '';
  return reading.freeText === 'normalise' ? raw.replace(LINE_BREAK, ' ') : raw;
}

function normalisedJs(reading: Reading): (raw: string) => Normalisation {
  return (raw) => (reading.tokens.has(raw) ? 'null_token' : reading.freeText === 'normalise' && HAS_LINE_BREAK.test(raw) ? 'line_break' : '');
}

function normalisedSql(reading: Reading, raw: string): string {
  const cases: [string, string][] = [];
  if (reading.tokens.size > 0) cases.push([`${raw} IN (${[...reading.tokens].map(sqlString).join(', ')})`, "'null_token'"]);
  if (reading.freeText === 'normalise') cases.push([sqlMatch(raw, '[\\r\\n\\t]'), "'line_break'"]);
  return sqlMultiIf(cases, "''");
}

/** SQL of `read`: the value as decided on (tokens are handled by missingSql, so only line breaks). */
function readSql(reading: Reading, raw: string): string {
  return reading.freeText === 'normalise' ? `replaceRegexpAll(${raw}, ${LINE_BREAK_SQL}, ' ')` : raw;
}

interface Decided<T> {
  storage: StorageKind;
  nullable: boolean;
  personal?: PersonalKind;
  optionalInHeader?: boolean;
  bounds?: ColumnBounds;
  reading: Reading;
  /** Decide a value read by `read` ('' is missing). */
  decide: (value: string) => Verdict<T>;
  /** SQL over the raw value: value and reason (the caller adds normalised). */
  sql: (raw: string) => { value: string; reason: string };
}

/** A zod schema deciding in one step, registered with its storage and SQL twin. */
function decided<T>(kind: ColumnKind, column: Decided<T>): z.ZodType<T, string> {
  const { reading, decide, sql, ...meta } = column;
  const schema = z.string({ error: MISSING }).transform((raw, ctx) => {
    const verdict = decide(read(reading, raw));
    if ('value' in verdict) return verdict.value;
    ctx.addIssue({ code: 'custom', message: verdict.reason });
    return z.NEVER;
  }) as unknown as z.ZodType<T, string>;
  const defined = Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined)) as typeof meta;
  columnRegistry.add(schema, {
    ...defined,
    kind,
    sql: (raw) => ({ ...sql(raw), normalised: normalisedSql(reading, raw) }),
    normalised: normalisedJs(reading),
  });
  return schema;
}

function boundsOf(context: ColumnContext, defaults: ColumnBounds): ColumnBounds {
  return { ...defaults, ...context.settings.bounds?.[context.name] };
}

/** The JavaScript length check in code points, without walking strings that are clearly short or long. */
function longerThan(value: string, maxLength: number): boolean {
  if (value.length <= maxLength) return false; // code points ≤ UTF-16 units
  if (value.length > 2 * maxLength) return true; // each code point is at most two units
  let points = 0;
  for (const _ of value) if (++points > maxLength) return true;
  return false;
}

const tooLong = (maxLength: number) => `must be at most ${maxLength} characters`;
const lengthSql = (value: string, maxLength: number) => `lengthUTF8(${value}) > ${maxLength}`;

/** A required text value, optionally constrained by a pattern. */
export function text(options: { pattern?: RegExp; describe?: string } = {}): ColumnDef<string> {
  const { pattern } = options;
  const mismatch = pattern ? `must be ${options.describe ?? `like ${pattern}`}` : '';
  return {
    kind: 'text',
    build: (context) => {
      const reading = readingOf(context);
      return decided<string>('text', {
        storage: 'string',
        nullable: false,
        reading,
        decide: (v) => (v === '' ? { reason: MISSING } : pattern && !pattern.test(v) ? { reason: mismatch } : { value: v }),
        sql: (raw) => ({
          value: raw,
          reason: sqlMultiIf([[reading.missingSql(raw), sqlString(MISSING)], ...(pattern ? [[`NOT ${sqlMatch(raw, pattern)}`, sqlString(mismatch)] as [string, string]] : [])], "''"),
        }),
      });
    },
  };
}

const LINE_BREAK_REFUSED = 'must not contain line breaks or tabs';

/**
 * Optional free text: empty (or a null token) becomes null (a null strategy may fill it later).
 * At most `maxLength` characters; line breaks and tabs per `freeText`.
 */
export function optionalText(options: { maxLength?: number; freeText?: FreeTextMode } = {}): ColumnDef<string | null> {
  return {
    kind: 'optionalText',
    build: (context) => {
      const reading = readingOf(context, options.freeText);
      const bounds = boundsOf(context, { maxLength: options.maxLength ?? DEFAULT_MAX_TEXT });
      const maxLength = bounds.maxLength!;
      const refuseBreaks = reading.freeText === 'quarantine';
      return decided<string | null>('optionalText', {
        storage: 'string',
        nullable: true,
        bounds,
        reading,
        decide: (v) => {
          if (v === '') return { value: null };
          if (longerThan(v, maxLength)) return { reason: tooLong(maxLength) };
          if (refuseBreaks && HAS_LINE_BREAK.test(v)) return { reason: LINE_BREAK_REFUSED };
          return { value: v };
        },
        sql: (raw) => {
          const v = readSql(reading, raw);
          return {
            value: `if(${reading.missingSql(raw)}, NULL, ${v})`,
            reason: sqlMultiIf(
              [
                [reading.missingSql(raw), "''"],
                [lengthSql(v, maxLength), sqlString(tooLong(maxLength))],
                ...(refuseBreaks ? [[sqlMatch(v, '[\\r\\n\\t]'), sqlString(LINE_BREAK_REFUSED)] as [string, string]] : []),
              ],
              "''",
            ),
          };
        },
      });
    },
  };
}

/**
 * Default length bound of optional free text. Generous on purpose: the corpus keeps a 1 MiB field
 * whole (test/pipeline/corpus.test.ts); a contract or a source's settings set a tighter one per column.
 */
export const DEFAULT_MAX_TEXT = 1 << 20;

/** One of a fixed set of values. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): ColumnDef<T[number]> {
  const allowed = new Set<string>(values);
  const notOne = `must be one of ${values.join(', ')}`;
  return {
    kind: 'oneOf',
    build: (context) => {
      const reading = readingOf(context);
      return decided<T[number]>('oneOf', {
        storage: 'string',
        nullable: false,
        reading,
        decide: (v) => (allowed.has(v) ? { value: v as T[number] } : { reason: v === '' ? MISSING : notOne }),
        sql: (raw) => ({
          value: raw,
          reason: sqlMultiIf([[reading.missingSql(raw), sqlString(MISSING)], [`${raw} IN (${values.map(sqlString).join(', ')})`, "''"]], sqlString(notOne)),
        }),
      });
    },
  };
}

const INTEGER = /^-?\d{1,9}$/;

/** A whole number within [min, max]. */
export function integer(min: number, max: number): ColumnDef<number> {
  const outside = `must be between ${min} and ${max}`;
  return {
    kind: 'integer',
    build: (context) => {
      const reading = readingOf(context);
      return decided<number>('integer', {
        storage: 'int32',
        nullable: false,
        reading,
        decide: (v) => {
          if (v === '') return { reason: MISSING };
          if (!INTEGER.test(v)) return { reason: 'must be a whole number' };
          const n = Number(v);
          return n >= min && n <= max ? { value: n } : { reason: outside };
        },
        sql: (raw) => ({
          value: `toInt32OrZero(${raw})`,
          reason: sqlMultiIf(
            [
              [reading.missingSql(raw), sqlString(MISSING)],
              [`NOT ${sqlMatch(raw, INTEGER)}`, sqlString('must be a whole number')],
              [`NOT (toInt64OrZero(${raw}) BETWEEN ${min} AND ${max})`, sqlString(outside)],
            ],
            "''",
          ),
        }),
      });
    },
  };
}

const MONEY = /^(-?)(\d{1,12})(?:\.(\d{1,2}))?$/;

/** Largest amount unless the contract or settings say otherwise, in currency units. */
export const DEFAULT_MAX_AMOUNT = 1_000_000;

/** An amount in currency units as written in reasons: 1000000.00. */
export function formatAmount(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** A non-negative amount with at most two decimals, parsed exactly into integer cents, at most `max`. */
export function money(options: { max?: number } = {}): ColumnDef<number> {
  return {
    kind: 'money',
    build: (context) => {
      const reading = readingOf(context);
      const bounds = boundsOf(context, { max: options.max ?? DEFAULT_MAX_AMOUNT });
      const maxCents = Math.round(bounds.max! * 100);
      const aboveMax = `must be at most ${formatAmount(maxCents)}`;
      return decided<number>('money', {
        storage: 'cents',
        nullable: false,
        bounds,
        reading,
        decide: (v) => {
          if (v === '') return { reason: MISSING };
          const m = MONEY.exec(v);
          if (!m) return { reason: 'must be an amount with at most two decimals' };
          const [, sign, units, fraction = ''] = m;
          const cents = Number(units) * 100 + Number(fraction.padEnd(2, '0'));
          if (sign === '-' && cents > 0) return { reason: 'must not be negative' };
          if (cents > maxCents) return { reason: aboveMax };
          return { value: sign === '-' ? -cents : cents };
        },
        sql: (raw) => {
          // Exact: the digits without the point, scaled by the decimals they lack (14 digits fit Int64).
          const decimals = `if(position(${raw}, '.') = 0, 0, length(${raw}) - position(${raw}, '.'))`;
          const cents = `(toInt64OrZero(replaceOne(${raw}, '.', '')) * if(${decimals} = 0, 100, if(${decimals} = 1, 10, 1)))`;
          return {
            value: cents,
            reason: sqlMultiIf(
              [
                [reading.missingSql(raw), sqlString(MISSING)],
                [`NOT ${sqlMatch(raw, MONEY)}`, sqlString('must be an amount with at most two decimals')],
                [`${cents} < 0`, sqlString('must not be negative')],
                [`${cents} > ${maxCents}`, sqlString(aboveMax)],
              ],
              "''",
            ),
          };
        },
      });
    },
  };
}

function timestampColumn(kind: 'timestamp' | 'optionalTimestamp', options: { earliest?: string; before?: string }): ColumnDef<number | null> {
  const allowEmpty = kind === 'optionalTimestamp';
  return {
    kind,
    build: (context) => {
      const reading = readingOf(context);
      const formats = context.settings.dateFormats ?? DEFAULT_DATE_FORMATS;
      const expected = `not a valid timestamp (expected ${describeFormats(formats)})`;
      const bounds = boundsOf(context, { earliest: options.earliest ?? DEFAULT_DATE_RANGE.earliest, before: options.before ?? DEFAULT_DATE_RANGE.before });
      const earliest = boundMs(bounds.earliest!, `${context.name} earliest`);
      const before = boundMs(bounds.before!, `${context.name} before`);
      const tooEarly = `must be on or after ${bounds.earliest}`;
      const tooLate = `must be before ${bounds.before}`;
      return decided<number | null>(kind, {
        storage: 'timestamp',
        nullable: allowEmpty,
        bounds,
        reading,
        decide: (v) => {
          if (v === '') return allowEmpty ? { value: null } : { reason: MISSING };
          const ms = parseTimestamp(v, formats);
          if (ms === undefined) return { reason: expected };
          if (ms < earliest) return { reason: tooEarly };
          if (ms >= before) return { reason: tooLate };
          return { value: ms };
        },
        sql: (raw) => {
          const parsed = timestampSql(raw, formats);
          const missing = reading.missingSql(raw);
          const decide = `arrayMap(t -> multiIf(tupleElement(t, 1) = 0, ${sqlString(expected)}, tupleElement(t, 2) < ${earliest}, ${sqlString(tooEarly)}, tupleElement(t, 2) >= ${before}, ${sqlString(tooLate)}, ''), [${parsed}])[1]`;
          return {
            value: allowEmpty ? `if(${missing}, NULL, tupleElement(${parsed}, 2))` : `tupleElement(${parsed}, 2)`,
            reason: `if(${missing}, ${allowEmpty ? "''" : sqlString(MISSING)}, ${decide})`,
          };
        },
      });
    },
  };
}

function boundMs(date: string, what: string): number {
  const ms = dateToEpochMs(date);
  if (ms === undefined) throw new Error(`${what}: ${date} is not a date written YYYY-MM-DD`);
  return ms;
}

/** A required timestamp in one of the source's date formats, standardised to epoch milliseconds UTC, within [earliest, before). */
export function timestamp(options: { earliest?: string; before?: string } = {}): ColumnDef<number> {
  return timestampColumn('timestamp', options) as ColumnDef<number>;
}

/** An optional timestamp: empty becomes null, anything else must parse and lie within [earliest, before). */
export function optionalTimestamp(options: { earliest?: string; before?: string } = {}): ColumnDef<number | null> {
  return timestampColumn('optionalTimestamp', options);
}

const CONTROL = /\p{Cc}/u;
const LETTER = /\p{L}/u;
/**
 * Letters in Node 20's Unicode tables that ClickHouse's RE2 does not know yet (newer Unicode
 * versions), so the SQL letter class names them too. test/unit/contractSql.test.ts finds any new gap.
 */
const LETTERS_BEYOND_RE2 =
  '\\x{88F}\\x{C5C}\\x{CDC}\\x{1C89}-\\x{1C8A}\\x{A7CB}-\\x{A7CF}\\x{A7D2}\\x{A7D4}\\x{A7DA}-\\x{A7DC}\\x{A7F1}\\x{105C0}-\\x{105F3}' +
  '\\x{10940}-\\x{10959}\\x{10D4A}-\\x{10D65}\\x{10D6F}-\\x{10D85}\\x{10EC2}-\\x{10EC7}\\x{11380}-\\x{11389}\\x{1138B}\\x{1138E}' +
  '\\x{11390}-\\x{113B5}\\x{113B7}\\x{113D1}\\x{113D3}\\x{11BC0}-\\x{11BE0}\\x{11DB0}-\\x{11DDB}\\x{13460}-\\x{143FA}\\x{16100}-\\x{1611D}' +
  '\\x{16D40}-\\x{16D6C}\\x{16EA0}-\\x{16EB8}\\x{16EBB}-\\x{16ED3}\\x{16FF2}-\\x{16FF3}\\x{187F8}-\\x{187FF}\\x{18CFF}\\x{18D09}-\\x{18D1E}' +
  '\\x{18D80}-\\x{18DF2}\\x{1E5D0}-\\x{1E5ED}\\x{1E5F0}\\x{1E6C0}-\\x{1E6DE}\\x{1E6E0}-\\x{1E6E2}\\x{1E6E4}-\\x{1E6E5}\\x{1E6E7}-\\x{1E6ED}' +
  '\\x{1E6F0}-\\x{1E6F4}\\x{1E6FE}-\\x{1E6FF}\\x{2B73A}-\\x{2B73F}\\x{2CEA2}-\\x{2CEAD}\\x{323B0}-\\x{33479}';
const MAX_PERSONAL_TEXT = 200;

interface PersonalOptions {
  /** See ColumnMeta.optionalInHeader. */
  optionalInHeader?: boolean;
}

/**
 * Optional personal text (a name, a street): empty (or a null token) becomes null; line breaks and
 * tabs become spaces (a quoted line break in a street is valid CSV), unless settings say to refuse
 * them; then at least one letter, no control characters, at most 200 characters. Messages never
 * repeat the value: it is personal data.
 */
export function personalText(kind: 'name' | 'street', options: PersonalOptions & { maxLength?: number } = {}): ColumnDef<string | null> {
  const control = 'must not contain control characters (tabs, line breaks)';
  const noLetter = 'must contain at least one letter';
  return {
    kind: 'personalText',
    build: (context) => {
      const reading = readingOf(context, 'normalise');
      const bounds = boundsOf(context, { maxLength: options.maxLength ?? MAX_PERSONAL_TEXT });
      const maxLength = bounds.maxLength!;
      return decided<string | null>('personalText', {
        storage: 'string',
        nullable: true,
        personal: kind,
        optionalInHeader: options.optionalInHeader,
        bounds,
        reading,
        decide: (v) => {
          if (v === '') return { value: null };
          if (longerThan(v, maxLength)) return { reason: tooLong(maxLength) };
          if (CONTROL.test(v)) return { reason: control };
          if (!LETTER.test(v)) return { reason: noLetter };
          return { value: v };
        },
        sql: (raw) => {
          const v = readSql(reading, raw);
          const missing = reading.missingSql(raw);
          return {
            value: `if(${missing}, NULL, ${v})`,
            reason: sqlMultiIf(
              [
                [missing, "''"],
                [lengthSql(v, maxLength), sqlString(tooLong(maxLength))],
                [sqlMatch(v, '[\\x{00}-\\x{1F}\\x{7F}-\\x{9F}]'), sqlString(control)],
                [`NOT ${sqlMatch(v, `[\\p{L}${LETTERS_BEYOND_RE2}]`)}`, sqlString(noLetter)],
              ],
              "''",
            ),
          };
        },
      });
    },
  };
}

const NOT_EMAIL = 'must be an e-mail address like name@example.com (no spaces, one @, a dot in the domain)';
const NOT_PHONE = 'must be a Brazilian phone number: area code and 8 or 9 digits, e.g. (11) 91234-5678 or +55 11 91234 5678';

/** SQL of a personal value standardised by `standardSql` (NULL when it is not of its kind). */
function standardisedSql(reading: Reading, standardSql: (raw: string) => string, refused: string): (raw: string) => { value: string; reason: string } {
  return (raw) => {
    const missing = reading.missingSql(raw);
    const standard = standardSql(raw);
    return { value: `if(${missing}, NULL, ${standard})`, reason: `multiIf(${missing}, '', isNull(${standard}), ${sqlString(refused)}, '')` };
  };
}

/** An optional e-mail address (local@domain.tld), standardised to lower case. */
export function emailAddress(options: PersonalOptions = {}): ColumnDef<string | null> {
  return standardisedPersonal('email', normaliseEmail, normaliseEmailSql, NOT_EMAIL, options);
}

/** An optional Brazilian phone number in any usual notation, standardised to +55DDNNNNNNNN(N). */
export function phoneNumber(options: PersonalOptions = {}): ColumnDef<string | null> {
  return standardisedPersonal('phone', normalisePhone, normalisePhoneSql, NOT_PHONE, options);
}

/** A personal value stored in its standard form (personalValues.ts), refused with `message` when it has none. */
function standardisedPersonal(
  kind: 'email' | 'phone',
  normalise: (value: string) => string | undefined,
  normaliseSql: (raw: string) => string,
  message: string,
  options: PersonalOptions,
): ColumnDef<string | null> {
  return {
    kind,
    build: (context) => {
      const reading = readingOf(context);
      return decided<string | null>(kind, {
        storage: 'string',
        nullable: true,
        personal: kind,
        optionalInHeader: options.optionalInHeader,
        reading,
        decide: (v) => {
          if (v === '') return { value: null };
          const standard = normalise(v);
          return standard === undefined ? { reason: message } : { value: standard };
        },
        sql: standardisedSql(reading, normaliseSql, message),
      });
    },
  };
}
