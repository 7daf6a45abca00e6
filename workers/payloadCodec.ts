/**
 * A Temporal payload codec that encrypts every workflow and activity payload with AES-256-GCM, so
 * workflow histories (inputs, results, signals, queries, heartbeats) hold ciphertext only. The
 * worker and every client that reads results use it through cartwheelDataConverter.
 *
 * Encrypted payload: metadata `encoding: binary/encrypted` and `encryption-key-id: <id>`; data is
 * 12-byte IV ‖ ciphertext ‖ 16-byte tag of the original payload (protobuf-encoded, metadata
 * included). Decoding picks the key by id, so payloads written under an older key stay readable;
 * payloads without the encrypted encoding pass through (histories from before encryption was on).
 */
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PayloadKeys } from './payloadKeys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const ENCODING_KEY = 'encoding';
const KEY_ID_KEY = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ProtoPayload = temporal.api.common.v1.Payload;

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: PayloadKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys.current;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      // The key id is bound as associated data: a payload relabelled with another id fails to decrypt.
      cipher.setAAD(Buffer.from(id));
      const body = Buffer.concat([cipher.update(ProtoPayload.encode(payload).finish()), cipher.final()]);
      return {
        metadata: { [ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_KEY]: Buffer.from(id) },
        data: Buffer.concat([iv, body, cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
      const id = text(payload.metadata?.[KEY_ID_KEY]);
      const key = this.keys.all.get(id);
      if (!key) throw new Error(`payload encrypted with key "${id}", which is not configured (CARTWHEEL_PAYLOAD_KEY / CARTWHEEL_PAYLOAD_PREVIOUS_KEYS)`);
      const data = Buffer.from(payload.data ?? []);
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error(`encrypted payload (key "${id}") is too short to be valid`);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(id));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      try {
        const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
        return ProtoPayload.decode(plain) as Payload;
      } catch {
        throw new Error(`encrypted payload (key "${id}") failed authentication: wrong key or tampered data`);
      }
    });
  }
}

/** The data converter of workers and clients: encryption when keys are configured, Temporal's default otherwise. */
export function cartwheelDataConverter(keys: PayloadKeys | undefined): DataConverter {
  return keys ? { payloadCodecs: [new EncryptionCodec(keys)] } : {};
}

/** One line for the start-up log: whether histories are encrypted, and under which key id (never the key). */
export function describePayloadProtection(keys: PayloadKeys | undefined): string {
  return keys
    ? `payload encryption on (AES-256-GCM, key id ${keys.current.id}; ${keys.all.size - 1} previous key(s) for decryption)`
    : 'payload encryption OFF: workflow histories hold plaintext inputs and results (set CARTWHEEL_PAYLOAD_KEY; required when CARTWHEEL_ENV=prod)';
}

function text(bytes: Uint8Array | null | undefined): string {
  return bytes ? Buffer.from(bytes).toString('utf8') : '';
}
