/**
 * Tokens: keyed hashes (HMAC-SHA256, hex) of the standard form of an e-mail address or a phone
 * number. Equal values give equal tokens, so analysts join, deduplicate and count distinct people
 * on them without seeing the value; without the token key nobody can compute the token of a guessed
 * address. The token key is not the encryption key: rotating that one leaves every token unchanged.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { normaliseEmail, normalisePhone } from '../contracts/personalValues';
import type { RingKey } from './keyRing';

export type TokenKind = 'email' | 'phone';

const NORMALISE: Record<TokenKind, (value: string) => string | undefined> = {
  email: normaliseEmail,
  phone: normalisePhone,
};

export class PersonalTokens {
  private readonly key: KeyObject;

  constructor(key: RingKey) {
    this.key = createSecretKey(key.key);
  }

  /** The token of a value (standardised first, so notations of one number agree). */
  token(kind: TokenKind, value: string): string {
    const standard = NORMALISE[kind](value) ?? value;
    // The kind is part of the input: an e-mail and a phone never share a token.
    return createHmac('sha256', this.key).update(`${kind}\u0000${standard}`, 'utf8').digest('hex');
  }
}
