/**
 * Key rings from environment variables, shared by the Temporal payload codec (workers/payloadKeys.ts)
 * and the personal-data cipher (personalDataKeys.ts):
 *
 *   <key id>:<base64 of 32 random bytes>                  one key (make one: openssl rand -base64 32)
 *   <key id>:<base64>,<key id>:<base64>                   a list of older keys, for decrypting only
 *
 * The current key encrypts; every key decrypts what was written under its id, so keys can rotate.
 * Errors name the variable and the key id, never the key material.
 */
import { z } from 'zod';

export interface RingKey {
  id: string;
  key: Buffer;
}

export interface KeyRing {
  /** Encrypts everything new. */
  current: RingKey;
  /** Every key that may decrypt, current included, by id. */
  all: ReadonlyMap<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const KEY_BYTES = 32;

/** One `<id>:<base64>` entry; the messages name the id only, so the key cannot leak into a log. */
export const keyEntrySchema = z.string().transform((entry, ctx): RingKey => {
  const colon = entry.indexOf(':');
  const id = colon === -1 ? '' : entry.slice(0, colon).trim();
  if (!KEY_ID.test(id)) {
    ctx.addIssue({ code: 'custom', message: 'expected <key id>:<base64 key> with a key id of letters, digits, . _ -' });
    return z.NEVER;
  }
  const material = entry.slice(colon + 1).trim();
  const key = Buffer.from(material, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== material) {
    ctx.addIssue({ code: 'custom', message: `key "${id}" is not the base64 of exactly ${KEY_BYTES} bytes (make one with: openssl rand -base64 32)` });
    return z.NEVER;
  }
  return { id, key };
});

/** A comma-separated list of entries (blank entries ignored). */
export const keyListSchema = z
  .string()
  .transform((list) => list.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
  .pipe(z.array(keyEntrySchema));

export interface KeyRingNames {
  /** The variable holding the current key, e.g. CARTWHEEL_PAYLOAD_KEY. */
  current: string;
  /** The variable holding older keys, e.g. CARTWHEEL_PAYLOAD_PREVIOUS_KEYS. */
  previous: string;
  /** What the keys are for, in messages: "payload key". */
  purpose: string;
}

/** Combine a current key and older ones; undefined when no key is configured at all. */
export function keyRingOf(current: RingKey | undefined, previous: readonly RingKey[] = [], names: KeyRingNames): KeyRing | undefined {
  if (!current) {
    if (previous.length > 0) throw new Error(`${names.previous} is set without ${names.current}`);
    return undefined;
  }
  const all = new Map<string, Buffer>();
  for (const { id, key } of [current, ...previous]) {
    const known = all.get(id);
    if (known && !known.equals(key)) throw new Error(`${names.purpose} id "${id}" is configured twice with different keys`);
    all.set(id, key);
  }
  return { current, all };
}
