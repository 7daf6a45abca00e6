/**
 * AES-256-GCM, one value at a time, for personal data at rest. A stored value reads
 *
 *   <key id>:<base64 of IV (12 bytes) ‖ ciphertext ‖ tag (16 bytes)>
 *
 * The key id picks the decryption key, so values written under an older key stay readable after a
 * rotation. The associated data binds each ciphertext to its key id, its column and its row
 * (customer_id): a value relabelled, moved to another column or to another customer fails to decrypt.
 *
 * The 96-bit IV is synthetic rather than random: HMAC-SHA256 (under a key of its own, derived from
 * the same key material) of the associated data and the plaintext. The same value of the same
 * customer therefore encrypts to the same text, which keeps re-runs, retries and replays idempotent
 * (identical staged files and warehouse tables, which the project checks by checksum). Distinct
 * plaintexts get distinct IVs (barring a 96-bit collision of a keyed hash), which is what GCM needs;
 * what an observer learns is only that one customer's value did not change between two exports.
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import type { KeyRing } from './keyRing';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'cartwheel-pii-v1';

/** Where a value belongs: bound into its ciphertext. */
export interface CipherContext {
  /** The contract column, e.g. customer_email. */
  column: string;
  /** The row's key, e.g. its customer_id. */
  rowKey: string;
}

interface DerivedKeys {
  encryption: KeyObject;
  iv: KeyObject;
}

export class PersonalCipher {
  private readonly keys = new Map<string, DerivedKeys>();
  private readonly currentId: string;

  constructor(ring: KeyRing) {
    this.currentId = ring.current.id;
    for (const [id, material] of ring.all) this.keys.set(id, derive(material));
  }

  encrypt(plaintext: string, context: CipherContext): string {
    const keys = this.keys.get(this.currentId)!;
    const aad = associatedData(this.currentId, context);
    const data = Buffer.from(plaintext, 'utf8');
    const iv = createHmac('sha256', keys.iv).update(aad).update(data).digest().subarray(0, IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', keys.encryption, iv);
    cipher.setAAD(aad);
    const body = Buffer.concat([cipher.update(data), cipher.final()]);
    return `${this.currentId}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64')}`;
  }

  /** The plaintext; errors name the key id and the column, never the value. */
  decrypt(stored: string, context: CipherContext): string {
    const colon = stored.indexOf(':');
    const id = colon === -1 ? '' : stored.slice(0, colon);
    const keys = this.keys.get(id);
    if (!keys) {
      throw new Error(`${context.column}: encrypted with key "${id}", which is not configured (CARTWHEEL_PII_KEY / CARTWHEEL_PII_PREVIOUS_KEYS)`);
    }
    const data = Buffer.from(stored.slice(colon + 1), 'base64');
    if (data.length < IV_BYTES + TAG_BYTES) throw new Error(`${context.column}: encrypted value (key "${id}") is too short to be valid`);
    const decipher = createDecipheriv('aes-256-gcm', keys.encryption, data.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(id, context));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`${context.column}: encrypted value (key "${id}") failed authentication: wrong key, tampered, or moved from another column or row`);
    }
  }
}

/** Separate keys for encryption and for the synthetic IV, from one configured key. */
function derive(material: Buffer): DerivedKeys {
  const subkey = (purpose: string) => createSecretKey(Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), `${FORMAT} ${purpose}`, 32)));
  return { encryption: subkey('aes-256-gcm'), iv: subkey('synthetic iv') };
}

function associatedData(keyId: string, context: CipherContext): Buffer {
  return Buffer.from(`${FORMAT}\u0000${keyId}\u0000${context.column}\u0000${context.rowKey}\u0000`, 'utf8');
}
