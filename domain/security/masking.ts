/**
 * Display forms of personal values that identify nobody on their own, for analysts' views,
 * quarantine `_value` cells and quality-report samples:
 *
 *   name    Maria da Silva Santos   ->  M. S***
 *   email   maria.silva@example.com ->  m***@example.com   (the domain stays: provider mix is useful)
 *   phone   +5511912345678          ->  (**) *****-5678
 *   street  Rua das Acácias, 120    ->  R*** ...
 *
 * A value that is not of its kind (an invalid e-mail in quarantine) keeps its first character only.
 * Masking a masked value changes nothing, so a value may safely be masked twice.
 */
import type { PersonalKind } from '../contracts/columns';
import { normalisePhone } from '../contracts/personalValues';

const STARS = '***';

/** The first character (a whole code point, so an accented or astral letter is not cut in half). */
function initial(text: string): string {
  return String.fromCodePoint(text.codePointAt(0) ?? 0x2a);
}

function maskText(value: string): string {
  const trimmed = value.trim();
  return trimmed === '' ? STARS : `${initial(trimmed)}${STARS}`;
}

function maskName(value: string): string {
  const words = value.trim().split(/\s+/u).filter((w) => w.length > 0);
  if (words.length === 0) return STARS;
  if (words.length === 1) return maskText(words[0]);
  return `${initial(words[0])}. ${initial(words[words.length - 1])}${STARS}`;
}

function maskEmail(value: string): string {
  const at = value.indexOf('@');
  if (at <= 0 || at !== value.lastIndexOf('@') || at === value.length - 1) return maskText(value);
  return `${initial(value)}${STARS}@${value.slice(at + 1)}`;
}

const MASKED_PHONE = /^\(\*\*\) \*{4,5}-\d{4}$/;

function maskPhone(value: string): string {
  if (MASKED_PHONE.test(value)) return value; // already masked: every mask is idempotent
  const standard = normalisePhone(value);
  const digits = value.replace(/\D/g, '');
  // Area code and subscriber: from the standard form, or as written when that is national-length.
  const national = standard ? standard.slice(3) : digits.length === 10 || digits.length === 11 ? digits : undefined;
  if (!national) return maskText(value);
  return `(**) ${'*'.repeat(national.length - 6)}-${national.slice(-4)}`;
}

function maskStreet(value: string): string {
  return `${maskText(value)} ...`;
}

export const MASKS: Record<PersonalKind, (value: string) => string> = {
  name: maskName,
  email: maskEmail,
  phone: maskPhone,
  street: maskStreet,
};

export function maskPersonal(kind: PersonalKind, value: string): string {
  return MASKS[kind](value);
}
