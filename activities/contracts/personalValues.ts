/**
 * The standard forms of personal values: the contract stores them, and tokens are computed over them
 * (activities/security/personalTokens.ts), so one person written two ways gets one token. Each
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
