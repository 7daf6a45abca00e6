/**
 * The standard forms of personal values: the contract stores them, and tokens are computed over them
 * (domain/security/personalTokens.ts), so one person written two ways gets one token. Each
 * returns undefined for a value that is not of its kind; none of them logs or echoes the value.
 */

const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(?:\.[^\s@.]+)+$/u;
const MAX_EMAIL = 254;

/** name@example.com in lower case, or undefined when the value is not shaped like an address. */
export function normaliseEmail(value: string): string | undefined {
  if (value.length > MAX_EMAIL || !EMAIL.test(value)) return undefined;
  return value.toLowerCase();
}

const PHONE_NOTATION = /^\+?[\d\s().-]+$/;

/**
 * A Brazilian number in E.164 (+55, two-digit area code, then 8 digits for a landline or 9 starting
 * with 9 for a mobile), from the notations people write: (11) 91234-5678, 11912345678,
 * +55 11 91234 5678, 0 11 3456-7890. Undefined for anything else.
 */
export function normalisePhone(value: string): string | undefined {
  if (!PHONE_NOTATION.test(value)) return undefined;
  let digits = value.replace(/\D/g, '');
  if ((digits.length === 12 || digits.length === 13) && digits.startsWith('55')) digits = digits.slice(2);
  else if ((digits.length === 11 || digits.length === 12) && digits.startsWith('0')) digits = digits.slice(1); // trunk prefix
  const areaCode = digits.slice(0, 2);
  const subscriber = digits.slice(2);
  if (!/^[1-9]{2}$/.test(areaCode)) return undefined;
  const landline = subscriber.length === 8 && /^[2-8]/.test(subscriber);
  const mobile = subscriber.length === 9 && subscriber.startsWith('9');
  return landline || mobile ? `+55${digits}` : undefined;
}

/*
 * The same two functions as ClickHouse SQL (the engine's contract and masking use them). Each takes
 * the SQL expression of a String (a Nullable(String) gives NULL for NULL) and yields a
 * Nullable(String) expression: the standard form, or NULL where the JavaScript function returns
 * undefined. test/unit/personalSql.test.ts holds them equal to the functions above on generated values.
 *
 * Regular expressions in ClickHouse are RE2 over UTF-8 (so {1,64} counts code points, as the /u
 * regex does); RE2's \s is ASCII only, so JavaScript's \s is spelled out. JavaScript measures a
 * string in UTF-16 units, an astral character counting two.
 */

/** JavaScript's \s (and what String.prototype.trim removes), as the body of an RE2 character class. */
export const JS_WHITESPACE_CLASS = '\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';

/** A ClickHouse string literal holding exactly `text`. */
export function sqlText(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\0/g, '\\0')}'`;
}

const EMAIL_SQL = `^[^${JS_WHITESPACE_CLASS}@]{1,64}@[^${JS_WHITESPACE_CLASS}@.]+(?:\\.[^${JS_WHITESPACE_CLASS}@.]+)+\\z`;

/** The length JavaScript gives a string: code points, astral ones twice. */
export function utf16LengthSql(raw: string): string {
  return `(lengthUTF8(${raw}) + countMatches(${raw}, '[\\\\x{10000}-\\\\x{10FFFF}]'))`;
}

/** SQL twin of normaliseEmail. */
export function normaliseEmailSql(raw: string): string {
  return `if(${utf16LengthSql(raw)} <= ${MAX_EMAIL} AND match(${raw}, ${sqlText(EMAIL_SQL)}), lowerUTF8(${raw}), NULL)`;
}

const PHONE_NOTATION_SQL = `^\\+?[0-9${JS_WHITESPACE_CLASS}().-]+\\z`;

/**
 * The parts of normalisePhone as SQL: the digits without the country code or trunk prefix, and
 * whether they make a number. Without branches, so they cost the same with short-circuit evaluation.
 */
export function phoneDigitsSql(raw: string): { all: string; national: string; valid: string } {
  const all = `replaceRegexpAll(${raw}, '[^0-9]', '')`;
  // 55 then 10 or 11 digits (12 or 13 in all), or 0 then 10 or 11 (11 or 12): the prefix goes.
  const national = `replaceRegexpOne(${all}, '^(?:55([0-9]{10,11})|0([0-9]{10,11}))\\z', '\\1\\2')`;
  const valid = `(match(${raw}, ${sqlText(PHONE_NOTATION_SQL)}) AND match(${national}, '^[1-9]{2}(?:[2-8][0-9]{7}|9[0-9]{8})\\z'))`;
  return { all, national, valid };
}

/** SQL twin of normalisePhone. */
export function normalisePhoneSql(raw: string): string {
  const { national, valid } = phoneDigitsSql(raw);
  return `if(${valid}, concat('+55', ${national}), NULL)`;
}
