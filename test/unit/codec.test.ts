/**
 * The payload codec: AES-256-GCM round trips, key rotation, tampering, configuration (prod refuses
 * to start without a key), and a real dailyLoad on the time-skipping server whose history holds
 * ciphertext only, while a client with the key still reads the result.
 */
import { Client, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { strict as assert } from 'node:assert';
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '../../workers/config';
import { cartwheelDataConverter, describePayloadProtection, ENCRYPTED_ENCODING, EncryptionCodec } from '../../workers/payloadCodec';
import { payloadKeysEnvSchema, payloadKeysOf, type PayloadKeys } from '../../workers/payloadKeys';
import type { DailyLoadResult } from '../../workflows';
import { testDataDir } from '../helpers/pipeline';
import { productionWorker } from '../helpers/productionWorker';
import { useTimeSkippingServer } from '../helpers/timeSkippingEnv';
import { freshWarehouse } from '../helpers/warehouse';

const newKey = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const keysFrom = (current: string, previous?: string): PayloadKeys =>
  payloadKeysOf(payloadKeysEnvSchema.parse({ CARTWHEEL_PAYLOAD_KEY: current, CARTWHEEL_PAYLOAD_PREVIOUS_KEYS: previous }))!;
const SECRET_TEXT = { businessDate: '2024-03-10', file: '/data/landing/2024-03-10/customers.csv', email: 'maria@example.com' };
const encoding = (p: Payload) => Buffer.from(p.metadata?.encoding ?? []).toString();

describe('payload codec', () => {
  describe('AES-256-GCM encryption', () => {
    it('round-trips payloads and leaves no plaintext in the encoded bytes', async () => {
      const codec = new EncryptionCodec(keysFrom(newKey('k1')));
      const original = defaultPayloadConverter.toPayload(SECRET_TEXT);
      const [encoded] = await codec.encode([original]);
      assert.equal(encoding(encoded), ENCRYPTED_ENCODING);
      const raw = Buffer.concat([encoded.data!, ...Object.values(encoded.metadata!)]).toString('latin1');
      for (const text of Object.values(SECRET_TEXT)) assert.ok(!raw.includes(text), `"${text}" is not readable in the payload`);
      const [decoded] = await codec.decode([encoded]);
      assert.deepEqual(defaultPayloadConverter.fromPayload(decoded), SECRET_TEXT);
      // A fresh IV per payload: the same value never encrypts to the same bytes.
      const [again] = await codec.encode([original]);
      assert.notDeepEqual(Buffer.from(again.data!), Buffer.from(encoded.data!));
    });

    it('rotation: encrypts with the newest key, decrypts with any configured one', async () => {
      const old = newKey('2026-01');
      const current = newKey('2026-06');
      const [underOld] = await new EncryptionCodec(keysFrom(old)).encode([defaultPayloadConverter.toPayload('before rotation')]);
      const rotated = new EncryptionCodec(keysFrom(current, old));
      assert.equal(defaultPayloadConverter.fromPayload(await rotated.decode([underOld]).then((p) => p[0])), 'before rotation');
      const [underNew] = await rotated.encode([defaultPayloadConverter.toPayload('after')]);
      assert.equal(Buffer.from(underNew.metadata!['encryption-key-id']!).toString(), '2026-06');
      // Once the old key is dropped, its payloads are refused with a message naming the key id only.
      await assert.rejects(new EncryptionCodec(keysFrom(current)).decode([underOld]), (error: Error) => {
        assert.match(error.message, /key "2026-01", which is not configured/);
        assert.ok(!error.message.includes(old.split(':')[1]));
        return true;
      });
    });

    it('refuses tampered data, a relabelled key id and a wrong key', async () => {
      const keyA = newKey('a');
      const codec = new EncryptionCodec(keysFrom(keyA, newKey('b')));
      const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(SECRET_TEXT)]);
      const flipped = Buffer.from(encoded.data!);
      flipped[20] ^= 1;
      await assert.rejects(codec.decode([{ ...encoded, data: flipped }]), /failed authentication/);
      const relabelled = { ...encoded, metadata: { ...encoded.metadata, 'encryption-key-id': Buffer.from('b') } };
      await assert.rejects(codec.decode([relabelled]), /failed authentication/);
      const wrongKey = new EncryptionCodec(keysFrom(`a:${randomBytes(32).toString('base64')}`));
      await assert.rejects(wrongKey.decode([encoded]), /failed authentication/);
    });

    it('passes payloads from before encryption was turned on through unchanged', async () => {
      const plain = defaultPayloadConverter.toPayload({ businessDate: '2024-03-10' });
      const [decoded] = await new EncryptionCodec(keysFrom(newKey('k'))).decode([plain]);
      assert.equal(decoded, plain);
    });
  });

  describe('configuration', () => {
    it('prod refuses to start without a key; dev runs without one', () => {
      assert.throws(() => loadConfig({ CARTWHEEL_ENV: 'prod' }), /CARTWHEEL_PAYLOAD_KEY: required when CARTWHEEL_ENV=prod/);
      assert.equal(loadConfig({ CARTWHEEL_ENV: 'dev' }).payloadKeys, undefined);
      const key = newKey('prod-1');
      // Prod also requires the personal-data keys (test/pipeline/securityPersonalData.test.ts).
      const personalData = { CARTWHEEL_PII_KEY: newKey('pii-1'), CARTWHEEL_PII_TOKEN_KEY: newKey('token-1') };
      assert.equal(loadConfig({ CARTWHEEL_ENV: 'prod', CARTWHEEL_PAYLOAD_KEY: key, ...personalData }).payloadKeys?.current.id, 'prod-1');
    });

    it('the start-up line says whether histories are encrypted, naming the key id and never the key', () => {
      const key = newKey('2026-06');
      const line = describePayloadProtection(keysFrom(key, newKey('2026-01')));
      assert.match(line, /payload encryption on \(AES-256-GCM, key id 2026-06; 1 previous key/);
      assert.ok(!line.includes(key.split(':')[1]));
      assert.match(describePayloadProtection(undefined), /payload encryption OFF: workflow histories hold plaintext/);
    });

    it('rejects malformed keys naming the variable, never echoing the key material', () => {
      const short = `k:${randomBytes(16).toString('base64')}`;
      for (const [value, pattern] of [[short, /CARTWHEEL_PAYLOAD_KEY: key "k" is not the base64 of exactly 32 bytes/], ['no-id-here', /expected <key id>:<base64 key>/]] as const) {
        assert.throws(() => loadConfig({ CARTWHEEL_PAYLOAD_KEY: value }), (error: Error) => {
          assert.match(error.message, pattern);
          assert.ok(!error.message.includes(value.split(':').pop()!), 'the key is not in the message');
          return true;
        });
      }
      assert.throws(() => loadConfig({ CARTWHEEL_PAYLOAD_PREVIOUS_KEYS: newKey('old') }), /PREVIOUS_KEYS is set without CARTWHEEL_PAYLOAD_KEY/);
      assert.throws(() => loadConfig({ CARTWHEEL_PAYLOAD_KEY: newKey('same'), CARTWHEEL_PAYLOAD_PREVIOUS_KEYS: newKey('same') }), /"same" is configured twice/);
    });
  });

  describe('a dailyLoad history on the time-skipping server', function () {
    this.timeout(180_000);
    // dailyLoad sets custom search attributes, which the server must know.
    const testEnv = useTimeSkippingServer({ searchAttributes: true });

    it('holds ciphertext only; the keyed client reads the result, a client without the key cannot', async () => {
      const data = testDataDir();
      await data.generate('2024-03-10', 60);
      const taskQueue = `codec-${randomUUID()}`;
      const keys = { CARTWHEEL_PAYLOAD_KEY: newKey('test-1') };
      const worker = await productionWorker({ connection: testEnv().nativeConnection, taskQueue, settings: data.settings, warehouse: await freshWarehouse(), env: keys });
      const client = new Client({ connection: testEnv().connection, dataConverter: cartwheelDataConverter(loadConfig(keys).payloadKeys) });

      const { result, handle } = await worker.runUntil(async () => {
        const started: WorkflowHandle = await client.workflow.start('dailyLoad', { taskQueue, workflowId: `daily-2024-03-10-${taskQueue}`, args: [{ businessDate: '2024-03-10' }] });
        return { result: (await started.result()) as DailyLoadResult, handle: started };
      });
      assert.equal(result.businessDate, '2024-03-10', 'the keyed client decodes the result');
      assert.ok(result.sources.every((s) => s.rowsRead > 0));

      const payloads = payloadsOf(await handle.fetchHistory());
      // Input, every activity's input and result, the workflow result: far more than a handful.
      assert.ok(payloads.length >= 10, `found ${payloads.length} payloads in the history`);
      for (const payload of payloads) {
        assert.equal(encoding(payload), ENCRYPTED_ENCODING, `${(payload as { where?: string }).where}: ${Buffer.from(payload.data ?? []).toString()}`);
        const raw = Buffer.concat([Buffer.from(payload.data ?? []), ...Object.values(payload.metadata ?? {}).map((v) => Buffer.from(v ?? []))]).toString('latin1');
        for (const text of ['2024-03-10', data.settings.dataDir, 'customers', 'rowsRead']) assert.ok(!raw.includes(text), `"${text}" appears in a payload of the history`);
      }

      const withoutKey = new Client({ connection: testEnv().connection });
      await assert.rejects(withoutKey.workflow.getHandle(handle.workflowId).result(), /encoding|binary\/encrypted/i);
    });
  });
});

/**
 * Every Payload (an object with data and metadata) anywhere in a history, except two the SDK and the
 * server must read: search attributes (indexed by the server; cartwheel's hold a date, a run kind and
 * an outcome) and patch markers (the SDK's own record of a patch id, e.g. "archive-inputs").
 */
function payloadsOf(history: unknown): Payload[] {
  const found: Payload[] = [];
  const walk = (value: unknown, where = ''): void => {
    if (!value || typeof value !== 'object' || value instanceof Uint8Array) return;
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${where}[${i}]`));
    const record = Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'searchAttributes' && key !== 'patch-data'));
    if (record.data instanceof Uint8Array && record.metadata && typeof record.metadata === 'object') {
      found.push(Object.assign(record as Payload, { where }));
      return;
    }
    Object.entries(record).forEach(([key, v]) => walk(v, `${where}.${key}`));
  };
  walk(history);
  return found;
}
