/**
 * Keys of the Temporal payload codec, from the environment:
 *
 *   CARTWHEEL_PAYLOAD_KEY            <key id>:<base64 of 32 random bytes>   encrypts and decrypts
 *   CARTWHEEL_PAYLOAD_PREVIOUS_KEYS  <key id>:<base64>,<key id>:<base64>    decrypt only (rotation)
 *
 * Rotation: make a new key the CARTWHEEL_PAYLOAD_KEY and move the old one to the previous keys until
 * no history encrypted with it is still needed (the namespace's retention period), then drop it.
 * Errors name the variable and the key id, never the key material.
 */
import { z } from 'zod';

export interface PayloadKey {
  id: string;
  key: Buffer;
}

export interface PayloadKeys {
  /** Encrypts every new payload. */
  current: PayloadKey;
  /** Every key that may decrypt, current included, by id. */
  all: ReadonlyMap<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** One `<id>:<base64>` entry; the message names the id only, so the key cannot leak into a log. */
const keyEntry = z.string().transform((entry, ctx): PayloadKey => {
  const colon = entry.indexOf(':');
  const id = colon === -1 ? '' : entry.slice(0, colon).trim();
  if (!KEY_ID.test(id)) {
    ctx.addIssue({ code: 'custom', message: 'expected <key id>:<base64 key> with a key id of letters, digits, . _ -' });
    return z.NEVER;
  }
  const material = entry.slice(colon + 1).trim();
  const key = Buffer.from(material, 'base64');
  if (key.length !== 32 || key.toString('base64') !== material) {
    ctx.addIssue({ code: 'custom', message: `key "${id}" is not the base64 of exactly 32 bytes (make one with: openssl rand -base64 32)` });
    return z.NEVER;
  }
  return { id, key };
});

export const payloadKeysEnvSchema = z.object({
  CARTWHEEL_PAYLOAD_KEY: keyEntry.optional(),
  CARTWHEEL_PAYLOAD_PREVIOUS_KEYS: z
    .string()
    .transform((list) => list.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
    .pipe(z.array(keyEntry))
    .optional(),
});

/** Combine the parsed variables; undefined when no key is configured (encryption off). */
export function payloadKeysOf(env: z.infer<typeof payloadKeysEnvSchema>): PayloadKeys | undefined {
  const current = env.CARTWHEEL_PAYLOAD_KEY;
  const previous = env.CARTWHEEL_PAYLOAD_PREVIOUS_KEYS ?? [];
  if (!current) {
    if (previous.length > 0) throw new Error('CARTWHEEL_PAYLOAD_PREVIOUS_KEYS is set without CARTWHEEL_PAYLOAD_KEY');
    return undefined;
  }
  const all = new Map<string, Buffer>();
  for (const { id, key } of [current, ...previous]) {
    const known = all.get(id);
    if (known && !known.equals(key)) throw new Error(`payload key id "${id}" is configured twice with different keys`);
    all.set(id, key);
  }
  return { current, all };
}
