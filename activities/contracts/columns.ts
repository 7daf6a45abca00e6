/**
 * Column builders for source contracts. Each builder returns a zod schema that turns one raw CSV
 * field (always a string; empty means missing) into its typed value, and registers how the column is
 * stored downstream. The zod object built from these is the single source of truth: Arrow/Parquet
 * and ClickHouse types are derived from the registered storage kind.
 */
import { z } from 'zod';
import { normaliseEmail, normalisePhone } from './personalValues';
import { DEFAULT_DATE_FORMATS, describeFormats, parseTimestamp, type DateFormat } from './timestamps';

/** How a column is stored in Parquet and ClickHouse. Money is kept as integer cents: exact. */
export type StorageKind = 'string' | 'int32' | 'cents' | 'timestamp';

/** Personal data: each kind is encrypted, masked its own way and, for e-mail and phone, tokenised. */
export type PersonalKind = 'name' | 'email' | 'phone' | 'street';

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
}

export const columnRegistry = z.registry<ColumnMeta>();

const MISSING = 'required value is missing';

function withMeta<T extends z.ZodType>(schema: T, meta: ColumnMeta): T {
  columnRegistry.add(schema, meta);
  return schema;
}

/** A required text value, optionally constrained by a pattern. */
export function text(options: { pattern?: RegExp; describe?: string } = {}) {
  let schema = z.string({ error: MISSING }).min(1, { error: MISSING, abort: true });
  if (options.pattern) {
    schema = schema.regex(options.pattern, { error: `must be ${options.describe ?? `like ${options.pattern}`}` });
  }
  return withMeta(schema, { storage: 'string', nullable: false });
}

/** Optional text: an empty field becomes null (a null strategy may fill it later). */
export function optionalText() {
  return withMeta(
    z.string().transform((v) => (v === '' ? null : v)),
    { storage: 'string', nullable: true },
  );
}

/** One of a fixed set of values. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return withMeta(
    z.enum(values, { error: (issue) => (issue.input === '' ? MISSING : `must be one of ${values.join(', ')}`) }),
    { storage: 'string', nullable: false },
  );
}

const INTEGER = /^-?\d{1,9}$/;

/** A whole number within [min, max]. */
export function integer(min: number, max: number) {
  return withMeta(
    z
      .string()
      .min(1, { error: MISSING, abort: true })
      .regex(INTEGER, { error: 'must be a whole number' })
      .transform(Number)
      .refine((n) => n >= min && n <= max, { error: `must be between ${min} and ${max}` }),
    { storage: 'int32', nullable: false },
  );
}

const MONEY = /^(-?)(\d{1,12})(?:\.(\d{1,2}))?$/;

/** A non-negative amount with at most two decimals, parsed exactly into integer cents. */
export function money() {
  return withMeta(
    z
      .string()
      .min(1, { error: MISSING, abort: true })
      .regex(MONEY, { error: 'must be an amount with at most two decimals' })
      .transform((v) => {
        const [, sign, units, fraction = ''] = MONEY.exec(v)!;
        const cents = Number(units) * 100 + Number(fraction.padEnd(2, '0'));
        return sign === '-' ? -cents : cents;
      })
      .refine((cents) => cents >= 0, { error: 'must not be negative' }),
    { storage: 'cents', nullable: false },
  );
}

function parsedTimestamp(allowEmpty: boolean, formats: readonly DateFormat[]) {
  const expected = `not a valid timestamp (expected ${describeFormats(formats)})`;
  return z.string().transform((v, ctx) => {
    if (v === '') {
      if (allowEmpty) return null;
      ctx.addIssue({ code: 'custom', message: MISSING });
      return z.NEVER;
    }
    const ms = parseTimestamp(v, formats);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: expected });
      return z.NEVER;
    }
    return ms;
  });
}

/** A required timestamp in one of the accepted formats, standardised to epoch milliseconds UTC. */
export function timestamp(formats: readonly DateFormat[] = DEFAULT_DATE_FORMATS) {
  return withMeta(parsedTimestamp(false, formats) as z.ZodType<number, string>, { storage: 'timestamp', nullable: false });
}

/** An optional timestamp: empty becomes null, anything else must parse. */
export function optionalTimestamp(formats: readonly DateFormat[] = DEFAULT_DATE_FORMATS) {
  return withMeta(parsedTimestamp(true, formats) as z.ZodType<number | null, string>, { storage: 'timestamp', nullable: true });
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
  return withMeta(
    z.string().transform((v, ctx) => {
      if (v === '') return null;
      if (v.length > MAX_PERSONAL_TEXT) ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_PERSONAL_TEXT} characters` });
      else if (CONTROL.test(v)) ctx.addIssue({ code: 'custom', message: 'must not contain control characters (tabs, line breaks)' });
      else if (!LETTER.test(v)) ctx.addIssue({ code: 'custom', message: 'must contain at least one letter' });
      else return v;
      return z.NEVER;
    }) as z.ZodType<string | null, string>,
    { storage: 'string', nullable: true, personal: kind, ...options },
  );
}

/** An optional e-mail address (local@domain.tld), standardised to lower case. */
export function emailAddress(options: PersonalOptions = {}) {
  return withMeta(
    z.string().transform((v, ctx) => {
      if (v === '') return null;
      const email = normaliseEmail(v);
      if (email !== undefined) return email;
      ctx.addIssue({ code: 'custom', message: 'must be an e-mail address like name@example.com (no spaces, one @, a dot in the domain)' });
      return z.NEVER;
    }) as z.ZodType<string | null, string>,
    { storage: 'string', nullable: true, personal: 'email', ...options },
  );
}

/** An optional Brazilian phone number in any usual notation, standardised to +55DDNNNNNNNN(N). */
export function phoneNumber(options: PersonalOptions = {}) {
  return withMeta(
    z.string().transform((v, ctx) => {
      if (v === '') return null;
      const phone = normalisePhone(v);
      if (phone !== undefined) return phone;
      ctx.addIssue({ code: 'custom', message: 'must be a Brazilian phone number: area code and 8 or 9 digits, e.g. (11) 91234-5678 or +55 11 91234 5678' });
      return z.NEVER;
    }) as z.ZodType<string | null, string>,
    { storage: 'string', nullable: true, personal: 'phone', ...options },
  );
}
