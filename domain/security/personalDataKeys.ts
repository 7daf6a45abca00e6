/**
 * Keys that protect personal data at rest, from the environment:
 *
 *   CARTWHEEL_PII_KEY             <key id>:<base64 of 32 bytes>   encrypts new values (AES-256-GCM)
 *   CARTWHEEL_PII_PREVIOUS_KEYS   <key id>:<base64>,...           older keys: decrypt only (rotation)
 *   CARTWHEEL_PII_TOKEN_KEY       <key id>:<base64 of 32 bytes>   keys the e-mail and phone tokens
 *
 * The token key is separate on purpose: tokens are join keys, so they must stay the same when the
 * encryption key rotates. Changing the token key changes every token (a full replay re-tokenises).
 * Required with CARTWHEEL_ENV=prod. In dev and test, without them, a fixed development key pair
 * (published here, so not secret) is used and the worker says so once.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { keyEntrySchema, keyListSchema, keyRingOf, type KeyRing, type RingKey } from './keyRing';

export interface PersonalDataKeys {
  cipher: KeyRing;
  token: RingKey;
  /** The built-in development keys: anyone can decrypt what they protect. */
  development: boolean;
}

export const personalDataKeysEnvSchema = z.object({
  CARTWHEEL_PII_KEY: keyEntrySchema.optional(),
  CARTWHEEL_PII_PREVIOUS_KEYS: keyListSchema.optional(),
  CARTWHEEL_PII_TOKEN_KEY: keyEntrySchema.optional(),
});

/** The parsed variables as keys; undefined when none is set (development keys apply, outside prod). */
export function personalDataKeysOf(env: z.infer<typeof personalDataKeysEnvSchema>): PersonalDataKeys | undefined {
  const cipher = keyRingOf(env.CARTWHEEL_PII_KEY, env.CARTWHEEL_PII_PREVIOUS_KEYS, {
    current: 'CARTWHEEL_PII_KEY',
    previous: 'CARTWHEEL_PII_PREVIOUS_KEYS',
    purpose: 'personal-data key',
  });
  const token = env.CARTWHEEL_PII_TOKEN_KEY;
  if (!cipher && !token) return undefined;
  if (!cipher || !token) {
    throw new Error('CARTWHEEL_PII_KEY and CARTWHEEL_PII_TOKEN_KEY go together: set both (or, outside prod, neither for the development keys)');
  }
  for (const [id, key] of cipher.all) {
    if (key.equals(token.key)) throw new Error(`CARTWHEEL_PII_TOKEN_KEY must be a key of its own; it repeats personal-data key "${id}"`);
  }
  return { cipher, token, development: false };
}

export const DEVELOPMENT_KEY_ID = 'development-not-secret';

/** Fixed keys derived from public text: for a fresh clone and tests, never for real data. */
export function developmentPersonalDataKeys(): PersonalDataKeys {
  const key = (purpose: string): RingKey => ({
    id: DEVELOPMENT_KEY_ID,
    key: createHash('sha256').update(`cartwheel ${purpose}: development key, published in the source code, not secret`).digest(),
  });
  const cipher = key('personal-data encryption');
  return { cipher: { current: cipher, all: new Map([[cipher.id, cipher.key]]) }, token: key('personal-data tokens'), development: true };
}

let warnedAboutDevelopmentKeys = false;

/**
 * The configured keys, or the development keys with one warning line per process (however many
 * times the activities are created).
 */
export function personalDataKeysInUse(configured: PersonalDataKeys | undefined): PersonalDataKeys {
  const keys = configured ?? developmentPersonalDataKeys();
  if (keys.development && !warnedAboutDevelopmentKeys) {
    warnedAboutDevelopmentKeys = true;
    console.warn(describePersonalDataProtection(keys));
  }
  return keys;
}

/** One line for a log: which keys protect personal data (ids only, never a key). */
export function describePersonalDataProtection(keys: PersonalDataKeys): string {
  if (keys.development) {
    return 'personal data protected with the DEVELOPMENT keys (not secret: anyone can decrypt); set CARTWHEEL_PII_KEY and CARTWHEEL_PII_TOKEN_KEY (required when CARTWHEEL_ENV=prod)';
  }
  return `personal data encrypted (AES-256-GCM, key id ${keys.cipher.current.id}; ${keys.cipher.all.size - 1} previous key(s) for decryption), tokens keyed by ${keys.token.id}`;
}

/**
 * The keys in a form that crosses into a worker thread (structured clone turns Buffers into plain
 * Uint8Arrays and would keep a Map, but an explicit shape says what is sent). Never logged.
 */
export interface TransferableKeys {
  currentId: string;
  cipher: { id: string; key: Uint8Array }[];
  token: { id: string; key: Uint8Array };
  development: boolean;
}

export function transferableKeys(keys: PersonalDataKeys): TransferableKeys {
  return {
    currentId: keys.cipher.current.id,
    cipher: [...keys.cipher.all].map(([id, key]) => ({ id, key: new Uint8Array(key) })),
    token: { id: keys.token.id, key: new Uint8Array(keys.token.key) },
    development: keys.development,
  };
}

export function keysFromTransferable(keys: TransferableKeys): PersonalDataKeys {
  const all = new Map(keys.cipher.map(({ id, key }) => [id, Buffer.from(key)]));
  const current = all.get(keys.currentId);
  if (!current) throw new Error(`personal-data key "${keys.currentId}" is missing from the key ring`);
  return {
    cipher: { current: { id: keys.currentId, key: current }, all },
    token: { id: keys.token.id, key: Buffer.from(keys.token.key) },
    development: keys.development,
  };
}

/**
 * The keys a job was given. The worker always passes its keys; code outside it (tests, the bench)
 * may pass none and gets the development keys, which prod refuses.
 */
export function personalKeysOf(keys: TransferableKeys | undefined): PersonalDataKeys {
  if (keys) return keysFromTransferable(keys);
  if (process.env.CARTWHEEL_ENV === 'prod') {
    throw new Error('personal-data keys were not passed to this job (CARTWHEEL_ENV=prod never falls back to the development keys)');
  }
  return developmentPersonalDataKeys();
}
