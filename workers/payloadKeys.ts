/**
 * Keys of the Temporal payload codec, from the environment:
 *
 *   CARTWHEEL_PAYLOAD_KEY            <key id>:<base64 of 32 random bytes>   encrypts and decrypts
 *   CARTWHEEL_PAYLOAD_PREVIOUS_KEYS  <key id>:<base64>,<key id>:<base64>    decrypt only (rotation)
 *
 * Rotation: make a new key the CARTWHEEL_PAYLOAD_KEY and move the old one to the previous keys until
 * no history encrypted with it is still needed (the namespace's retention period), then drop it.
 * The entries are parsed by the key-ring parser the personal-data keys share
 * (domain/security/keyRing.ts); errors name the variable and the key id, never the key material.
 */
import { z } from 'zod';
import { keyEntrySchema, keyListSchema, keyRingOf, type KeyRing, type RingKey } from '../domain/security/keyRing';

export type PayloadKey = RingKey;
export type PayloadKeys = KeyRing;

export const payloadKeysEnvSchema = z.object({
  CARTWHEEL_PAYLOAD_KEY: keyEntrySchema.optional(),
  CARTWHEEL_PAYLOAD_PREVIOUS_KEYS: keyListSchema.optional(),
});

/** Combine the parsed variables; undefined when no key is configured (encryption off). */
export function payloadKeysOf(env: z.infer<typeof payloadKeysEnvSchema>): PayloadKeys | undefined {
  return keyRingOf(env.CARTWHEEL_PAYLOAD_KEY, env.CARTWHEEL_PAYLOAD_PREVIOUS_KEYS, {
    current: 'CARTWHEEL_PAYLOAD_KEY',
    previous: 'CARTWHEEL_PAYLOAD_PREVIOUS_KEYS',
    purpose: 'payload key',
  });
}
