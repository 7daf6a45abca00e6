/**
 * Personal data at rest (issue 7): customer names, e-mails, phones and streets are encrypted,
 * tokenised and masked at ingest, so nothing after it (work files, staged Parquet, quality reports,
 * the warehouse, backups, activity results) holds them in plaintext; analysts see masked values only.
 * A real day is loaded through the activities (in the engine, as the worker does) with known
 * canary customers, then every table and every file outside landing/, archive/ and quarantine/ is
 * searched for every personal value the export held. Each search has a control that proves it
 * would have found a value that was there.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import Papa from 'papaparse';
import { createActivities } from '../../activities';
import { archiveInputs } from '../../pipeline/archive/archiveInputs';
import { restoreLanding } from '../../pipeline/archive/restoreLanding';
import { CONTRACTS, personalColumns, SOURCE_NAMES, stagedColumns, type TypedRow } from '../../domain/contracts';
import { readParquetRows } from '../../pipeline/files/cleanRows';
import { HANDOVER_FORMAT } from '../../domain/layout';
import { ingestSource, type IngestSummary } from '../../pipeline/read/ingestSource';
import { parseQualityConfig } from '../../domain/settings/loadQualityConfig';
import type { JsonReport } from '../../pipeline/gate/report/jsonReport';
import { quarantineSamples } from '../../pipeline/gate/quarantineSamples';
import { maskPersonal } from '../../domain/security/masking';
import { PersonalCipher } from '../../domain/security/personalCipher';
import {
  describePersonalDataProtection,
  developmentPersonalDataKeys,
  personalDataKeysEnvSchema,
  personalDataKeysOf,
  transferableKeys,
  type PersonalDataKeys,
} from '../../domain/security/personalDataKeys';
import { PersonalDataProtector, protectorFor } from '../../domain/security/personalDataProtector';
import { PersonalTokens } from '../../domain/security/personalTokens';
import type { Warehouse } from '../../clickhouse/client';
import { backupWarehouse } from '../../ops/backup/backupWarehouse';
import { CSV_HEADERS, generateDailyExport } from '../../ops/generate/sampleData';
import { loadConfig } from '../../workers/config';
import { activityEnvironment } from '../helpers/activityEnvironment';
import { landedCustomers, upsertCustomer } from '../helpers/landingEdits';
import { testDataDir, type TestDataDir } from '../helpers/pipeline';
import { filesUnder, findValues, PERSONAL_CSV_COLUMNS, personalValuesOf, readableContent, scanFiles, scanWarehouse } from '../helpers/plaintextScan';
import { cleanExport, writeExport } from '../helpers/craftedExport';
import { runToQualityGate } from '../helpers/qualityPipeline';
import { runDay } from '../helpers/runActivities';
import { land } from '../helpers/sourceFiles';
import { loadedTableChecksums } from '../helpers/starSchema';
import { tempDir } from '../helpers/tempDirs';
import { freshWarehouse, rows, scalar, testWarehouse } from '../helpers/warehouse';

const REPO = path.resolve(__dirname, '..', '..');
const DAY1 = '2024-03-10';
const DAY2 = '2024-03-11';

const newKey = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const keysFrom = (env: Record<string, string>): PersonalDataKeys => personalDataKeysOf(personalDataKeysEnvSchema.parse(env))!;

const hex = (prefix: string) => prefix.padEnd(32, '0');

/** A person whose every value is known, exported twice under two customer ids in two notations. */
const CANARY = {
  customer_id: hex('ca1'),
  customer_unique_id: hex('cb1'),
  customer_name: 'Zuleica Canário Quaresma',
  customer_email: 'Zuleica.Canario@Example.COM',
  customer_phone: '+55 (21) 99876-5432',
  customer_street: 'Rua do Canário Secreto, 77',
  customer_zip_code_prefix: '20010',
  customer_city: 'rio de janeiro',
  customer_state: 'RJ',
  updated_at: '2024-03-09 10:00:00',
};
const CANARY_AGAIN = {
  ...CANARY,
  customer_id: hex('ca2'),
  customer_name: 'Zuleica C. Quaresma',
  customer_email: 'zuleica.canario@example.com',
  customer_phone: '21998765432',
  customer_street: 'Avenida Canário Escondido, 1200',
};
/** Rejected by the contract (an e-mail with two @): its quarantine row must not show it in plaintext. */
const CANARY_BAD = {
  ...CANARY,
  customer_id: hex('ca3'),
  customer_name: 'Quitéria Rejeitada Fonseca',
  customer_email: 'quiteria@@rejeitada.example.com',
  customer_phone: '(31) 3456-7890',
  customer_street: 'Travessa da Quarentena, 5',
};
const CANARY_EMAIL = 'zuleica.canario@example.com';
const CANARY_PHONE = '+5521998765432';

/** Declared checks whose failing-row samples show personal columns (warn only: the day still loads). */
const SAMPLING_CHECKS = parseQualityConfig({
  sources: {
    customers: [
      { kind: 'quarantined_share', threshold: 0, severity: 'warn' },
      { kind: 'pattern', column: 'customer_email_masked', regex: '^$', threshold: 0, severity: 'warn' },
    ],
  },
});

async function landDay(data: TestDataDir, day: string, canaries: Record<string, string>[]): Promise<void> {
  await data.generate(day, 200);
  for (const canary of canaries) upsertCustomer(data.layout.landingFile(day, 'customers'), canary);
}

function customersCsvRows(file: string): Record<string, string>[] {
  return Papa.parse<Record<string, string>>(readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true }).data;
}

describe('security: personal data at rest', function () {
  this.timeout(240_000);

  describe('contract, masks, cipher and tokens', () => {
    const schema = CONTRACTS.customers.schema;
    const valid = { ...CANARY };

    it('standardises e-mails to lower case and phones to +55 from any usual notation; empty is null', () => {
      for (const phone of ['(21) 99876-5432', '21998765432', '+55 21 99876 5432', '5521998765432', '0 21 99876-5432']) {
        const row = schema.parse({ ...valid, customer_phone: phone }) as TypedRow;
        assert.equal(row.customer_phone, CANARY_PHONE, phone);
      }
      assert.equal((schema.parse({ ...valid, customer_phone: '(11) 3456-7890' }) as TypedRow).customer_phone, '+551134567890', 'a landline');
      assert.equal((schema.parse(valid) as TypedRow).customer_email, CANARY_EMAIL);
      const empty = schema.parse({ ...valid, customer_name: '', customer_email: '', customer_phone: '', customer_street: '' }) as TypedRow;
      assert.deepEqual([empty.customer_name, empty.customer_email, empty.customer_phone, empty.customer_street], [null, null, null, null]);
    });

    it('refuses malformed values naming the column and the rule, never the value', () => {
      const cases: [string, string, RegExp][] = [
        ['customer_email', 'zuleica@@example.com', /must be an e-mail address/],
        ['customer_email', 'zuleica canario@example.com', /must be an e-mail address/],
        ['customer_email', 'zuleica@localhost', /must be an e-mail address/],
        ['customer_phone', '(21) 8876-54321', /must be a Brazilian phone number/],
        ['customer_phone', '(01) 99876-5432', /must be a Brazilian phone number/],
        ['customer_phone', '99876-5432', /must be a Brazilian phone number/],
        // A line break is normalised to a space (issue 13); other control characters are refused.
        ['customer_name', 'Zuleica\u0007Quaresma', /must not contain control characters/],
        ['customer_name', '12345', /must contain at least one letter/],
        ['customer_street', 'R'.repeat(201), /at most 200 characters/],
      ];
      for (const [column, value, reason] of cases) {
        const result = schema.safeParse({ ...valid, [column]: value });
        assert.ok(!result.success, `${column}=${value} is refused`);
        const issue = result.error.issues[0];
        assert.deepEqual(issue.path, [column]);
        assert.match(issue.message, reason);
        assert.ok(!issue.message.includes(value), 'the message does not repeat the value');
      }
    });

    it('masks each kind so that it identifies nobody, and masking twice changes nothing', () => {
      const examples: [Parameters<typeof maskPersonal>[0], string, string][] = [
        ['name', 'Zuleica Canário Quaresma', 'Z. Q***'],
        ['name', 'Ébano', 'É***'],
        ['email', CANARY_EMAIL, 'z***@example.com'],
        ['email', 'quiteria@@rejeitada.example.com', 'q***'],
        ['phone', CANARY_PHONE, '(**) *****-5432'],
        ['phone', '+551134567890', '(**) ****-7890'],
        ['street', 'Rua do Canário Secreto, 77', 'R*** ...'],
      ];
      for (const [kind, value, masked] of examples) {
        assert.equal(maskPersonal(kind, value), masked, `${kind} ${value}`);
        assert.equal(maskPersonal(kind, masked), masked, `${kind}: masking a mask`);
      }
    });

    it('encrypts per value with the key id in front, deterministically per value and customer, bound to column and customer', () => {
      const keys = keysFrom({ CARTWHEEL_PII_KEY: newKey('pii-2026-01'), CARTWHEEL_PII_TOKEN_KEY: newKey('tok') });
      const cipher = new PersonalCipher(keys.cipher);
      const at = { column: 'customer_email', rowKey: CANARY.customer_id };
      const stored = cipher.encrypt(CANARY_EMAIL, at);
      assert.match(stored, /^pii-2026-01:[A-Za-z0-9+/]+=*$/);
      assert.ok(!stored.includes('zuleica'));
      assert.equal(cipher.decrypt(stored, at), CANARY_EMAIL);
      assert.equal(cipher.encrypt(CANARY_EMAIL, at), stored, 'the same value of the same customer: the same text (idempotent re-runs)');
      assert.notEqual(cipher.encrypt(CANARY_EMAIL, { ...at, rowKey: CANARY_AGAIN.customer_id }), stored, 'another customer with the same value: another text');
      assert.notEqual(cipher.encrypt('another@example.com', at).slice(0, 30), stored.slice(0, 30), 'another value: another IV');
      for (const [moved, why] of [[{ ...at, column: 'customer_name' }, 'another column'], [{ ...at, rowKey: CANARY_AGAIN.customer_id }, 'another customer']] as const) {
        assert.throws(() => cipher.decrypt(stored, moved), (error: Error) => {
          assert.match(error.message, /failed authentication/, why);
          assert.ok(!error.message.includes(CANARY_EMAIL));
          return true;
        });
      }
      const tampered = `${stored.slice(0, -6)}AAAA${stored.slice(-2)}`;
      assert.throws(() => cipher.decrypt(tampered, at), /failed authentication/);
    });

    it('a rotated key ring encrypts with the new key and still decrypts values of the old one; a dropped key is named', () => {
      const oldKey = newKey('pii-old');
      const token = newKey('tok');
      const before = keysFrom({ CARTWHEEL_PII_KEY: oldKey, CARTWHEEL_PII_TOKEN_KEY: token });
      const after = keysFrom({ CARTWHEEL_PII_KEY: newKey('pii-new'), CARTWHEEL_PII_PREVIOUS_KEYS: oldKey, CARTWHEEL_PII_TOKEN_KEY: token });
      const at = { column: 'customer_name', rowKey: CANARY.customer_id };
      const written = new PersonalCipher(before.cipher).encrypt(CANARY.customer_name, at);
      const rotated = new PersonalCipher(after.cipher);
      assert.equal(rotated.decrypt(written, at), CANARY.customer_name);
      assert.match(rotated.encrypt(CANARY.customer_name, at), /^pii-new:/);
      const dropped = new PersonalCipher(keysFrom({ CARTWHEEL_PII_KEY: newKey('pii-new'), CARTWHEEL_PII_TOKEN_KEY: token }).cipher);
      assert.throws(() => dropped.decrypt(written, at), /customer_name: encrypted with key "pii-old", which is not configured/);
    });

    it('tokens: equal for equal e-mails and phones in any notation, unchanged by a cipher key rotation, different under another token key', () => {
      const tokenKey = newKey('tok');
      const a = new PersonalTokens(keysFrom({ CARTWHEEL_PII_KEY: newKey('a'), CARTWHEEL_PII_TOKEN_KEY: tokenKey }).token);
      const b = new PersonalTokens(keysFrom({ CARTWHEEL_PII_KEY: newKey('b'), CARTWHEEL_PII_TOKEN_KEY: tokenKey }).token);
      const other = new PersonalTokens(keysFrom({ CARTWHEEL_PII_KEY: newKey('a'), CARTWHEEL_PII_TOKEN_KEY: newKey('tok2') }).token);
      assert.match(a.token('email', CANARY_EMAIL), /^[0-9a-f]{64}$/);
      assert.equal(a.token('email', 'Zuleica.Canario@Example.COM'), a.token('email', CANARY_EMAIL));
      assert.equal(a.token('phone', '(21) 99876-5432'), a.token('phone', CANARY_PHONE));
      assert.equal(b.token('email', CANARY_EMAIL), a.token('email', CANARY_EMAIL), 'another cipher key, the same token key');
      assert.notEqual(other.token('email', CANARY_EMAIL), a.token('email', CANARY_EMAIL));
      assert.notEqual(a.token('email', 'zuleica.canario@example.org'), a.token('email', CANARY_EMAIL));
    });

    it('protects a row in place: no plaintext column remains, nulls stay null, and the key holder can reveal it', () => {
      const keys = keysFrom({ CARTWHEEL_PII_KEY: newKey('k1'), CARTWHEEL_PII_TOKEN_KEY: newKey('t1') });
      const protector = new PersonalDataProtector('customers', keys);
      const row = schema.parse({ ...valid, customer_street: '' }) as TypedRow;
      protector.protect(row);
      for (const column of personalColumns('customers')) assert.ok(!(column.name in row), `${column.name} is gone`);
      assert.deepEqual(Object.keys(row).sort(), stagedColumns('customers').filter((c) => c.name in row).map((c) => c.name).sort());
      assert.equal(row.customer_email_masked, 'z***@example.com');
      assert.equal(row.customer_street_encrypted, null);
      assert.equal(row.customer_street_masked, null);
      assert.ok(!JSON.stringify(row).includes('uleica'), JSON.stringify(row));
      assert.equal(protector.reveal(row, 'customer_email'), CANARY_EMAIL);
      assert.equal(protector.reveal(row, 'customer_phone'), CANARY_PHONE);
      assert.equal(protector.reveal(row, 'customer_street'), null);
    });
  });

  describe('configuration', () => {
    const payload = newKey('payload-1');

    it('prod refuses to start without the personal-data keys, naming the variables and never a value', () => {
      const token = newKey('tok-1');
      assert.throws(() => loadConfig({ CARTWHEEL_ENV: 'prod', CARTWHEEL_PAYLOAD_KEY: payload, CARTWHEEL_PII_TOKEN_KEY: token }), (error: Error) => {
        assert.match(error.message, /CARTWHEEL_PII_KEY: required when CARTWHEEL_ENV=prod/);
        assert.doesNotMatch(error.message, /CARTWHEEL_PII_TOKEN_KEY: required/);
        for (const secret of [token, payload]) assert.ok(!error.message.includes(secret.split(':')[1]), 'no key material in the message');
        return true;
      });
      assert.throws(() => loadConfig({ CARTWHEEL_ENV: 'prod', CARTWHEEL_PAYLOAD_KEY: payload }), /CARTWHEEL_PII_KEY: required[^\n]*\n\s+CARTWHEEL_PII_TOKEN_KEY: required/);
      const config = loadConfig({ CARTWHEEL_ENV: 'prod', CARTWHEEL_PAYLOAD_KEY: payload, CARTWHEEL_PII_KEY: newKey('pii-1'), CARTWHEEL_PII_TOKEN_KEY: token });
      assert.equal(config.pipeline.personalData?.cipher.current.id, 'pii-1');
      assert.equal(config.pipeline.personalData?.development, false);
    });

    it('rejects malformed or mismatched keys by variable and key id, never echoing key material', () => {
      const short = `pii-x:${randomBytes(16).toString('base64')}`;
      assert.throws(() => loadConfig({ CARTWHEEL_PII_KEY: short, CARTWHEEL_PII_TOKEN_KEY: newKey('t') }), (error: Error) => {
        assert.match(error.message, /CARTWHEEL_PII_KEY: key "pii-x" is not the base64 of exactly 32 bytes/);
        assert.ok(!error.message.includes(short.split(':')[1]));
        return true;
      });
      assert.throws(() => loadConfig({ CARTWHEEL_PII_KEY: newKey('pii-1') }), /CARTWHEEL_PII_KEY and CARTWHEEL_PII_TOKEN_KEY go together/);
      assert.throws(() => loadConfig({ CARTWHEEL_PII_PREVIOUS_KEYS: newKey('old') }), /CARTWHEEL_PII_PREVIOUS_KEYS is set without CARTWHEEL_PII_KEY/);
      const same = randomBytes(32).toString('base64');
      assert.throws(() => loadConfig({ CARTWHEEL_PII_KEY: `a:${same}`, CARTWHEEL_PII_TOKEN_KEY: `b:${same}` }), /CARTWHEEL_PII_TOKEN_KEY must be a key of its own; it repeats personal-data key "a"/);
    });

    it('dev and test fall back to clearly labelled development keys; prod code paths never do', () => {
      assert.equal(loadConfig({ CARTWHEEL_ENV: 'dev' }).pipeline.personalData, undefined);
      const dev = developmentPersonalDataKeys();
      assert.equal(dev.development, true);
      assert.match(describePersonalDataProtection(dev), /DEVELOPMENT keys \(not secret/);
      const line = describePersonalDataProtection(keysFrom({ CARTWHEEL_PII_KEY: newKey('pii-7'), CARTWHEEL_PII_TOKEN_KEY: newKey('tok-7') }));
      assert.match(line, /key id pii-7.*tokens keyed by tok-7/);
      const previous = process.env.CARTWHEEL_ENV;
      process.env.CARTWHEEL_ENV = 'prod';
      try {
        assert.throws(() => protectorFor('customers', undefined), /CARTWHEEL_ENV=prod never falls back to the development keys/);
        assert.ok(protectorFor('customers', transferableKeys(dev)).active);
      } finally {
        if (previous === undefined) delete process.env.CARTWHEEL_ENV;
        else process.env.CARTWHEEL_ENV = previous;
      }
    });

    it('a prod worker without the key exits at start naming the variable, printing no secret', async () => {
      const token = newKey('tok-2');
      const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CARTWHEEL_|CLICKHOUSE_|TEMPORAL_)/.test(k)));
      const env = { ...base, TZ: 'UTC', CARTWHEEL_ENV: 'prod', CARTWHEEL_DATA_DIR: tempDir('pii-prod'), CARTWHEEL_PAYLOAD_KEY: payload, CARTWHEEL_PII_TOKEN_KEY: token };
      const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'workers/main.ts'], { cwd: REPO, env });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 1, output);
      assert.match(output, /worker failed: invalid configuration:\s+CARTWHEEL_PII_KEY: required when CARTWHEEL_ENV=prod/);
      for (const secret of [token, payload]) assert.ok(!output.includes(secret.split(':')[1]), `key material in the output:\n${output}`);
    });

    it('settings that would need personal data in plaintext after ingest fail when the activities are created', async () => {
      const data = testDataDir();
      const customers = data.settings.sources.customers;
      const settings = {
        ...data.settings,
        sources: {
          ...data.settings.sources,
          customers: { ...customers, nullStrategies: { ...customers.nullStrategies, customer_email: { strategy: 'fill_constant' as const, value: 'x@example.com' } }, dedupKey: ['customer_id', 'customer_phone'] },
        },
      };
      assert.throws(() => createActivities({ settings, warehouse: undefined as unknown as Warehouse }), (error: Error) => {
        assert.match(error.message, /sources\.customers\.dedupKey: customer_phone is personal data, encrypted at ingest/);
        assert.match(error.message, /sources\.customers\.nullStrategies\.customer_email: customer_email is personal data/);
        return true;
      });
    });
  });

  describe('the generator', () => {
    it('writes synthetic, deterministic contact data that passes the contract: one person, one e-mail and phone', async () => {
      const [a, b] = [tempDir('gen-a'), tempDir('gen-b')];
      const options = { businessDate: DAY1, orders: 3000, seed: 3, defectRate: 0 };
      await generateDailyExport({ ...options, outDir: a });
      await generateDailyExport({ ...options, outDir: b });
      assert.deepEqual(readFileSync(path.join(a, 'customers.csv')), readFileSync(path.join(b, 'customers.csv')), 'the same seed, the same file');
      const landed = customersCsvRows(path.join(a, 'customers.csv'));
      assert.deepEqual(Object.keys(landed[0]), [...CSV_HEADERS.customers]);
      const byPerson = new Map<string, Set<string>>();
      for (const row of landed) {
        const parsed = CONTRACTS.customers.schema.safeParse(row);
        assert.ok(parsed.success, `${row.customer_id}: ${JSON.stringify(parsed.error?.issues[0])}`);
        assert.match(row.customer_email, /^[a-z]+\.[a-z]+\.\d+@example\.(com|net|org)$/);
        assert.match(row.customer_name, /^\p{Lu}\p{L}+ (\p{Lu}[\p{L}']+ ){0,1}\p{Lu}[\p{L}']+$/u);
        assert.match(row.customer_street, /^(Rua|Avenida|Travessa|Alameda|Praça) .+, \d+$/);
        const contact = byPerson.get(row.customer_unique_id) ?? new Set<string>();
        contact.add(`${row.customer_name}|${row.customer_email}|${row.customer_phone}`);
        byPerson.set(row.customer_unique_id, contact);
      }
      assert.ok([...byPerson.values()].every((c) => c.size === 1), 'a returning person has the same contact data under every customer id');
      assert.ok(byPerson.size < landed.length, 'some persons return under another customer id');
      const noPhone = landed.filter((r) => r.customer_phone === '').length / landed.length;
      assert.ok(noPhone > 0.02 && noPhone < 0.1, `share without a phone: ${noPhone}`);
      assert.equal(new Set(landed.map((r) => r.customer_email)).size, byPerson.size, 'one e-mail per person');
    });
  });

  describe('exports from before issue 7', () => {
    it('a customers.csv without the personal columns still loads: read as empty, noted by schema drift, warned by null share', async () => {
      const warehouse = await freshWarehouse();
      const data = testDataDir();
      const before = CSV_HEADERS.customers.filter((c) => !(PERSONAL_CSV_COLUMNS as readonly string[]).includes(c));
      assert.deepEqual(before, ['customer_id', 'customer_unique_id', 'customer_zip_code_prefix', 'customer_city', 'customer_state', 'updated_at']);
      writeExport(data.layout.landingDir(DAY1), cleanExport(DAY1), { customers: before });
      const { quality, ingested } = await runToQualityGate(data.settings, warehouse, DAY1);
      assert.equal(ingested[0].rowsQuarantined, 0);
      const drift = quality.checks.find((c) => c.name === 'customers_schema_drift')!;
      assert.equal(drift.outcome, 'pass');
      assert.match(drift.note ?? '', /absent, read as empty: customer_name, customer_email, customer_phone, customer_street/);
      const nulls = quality.checks.filter((c) => /^customers_customer_(name|email|phone|street)_null_share$/.test(c.name));
      assert.deepEqual(nulls.map((c) => [c.name, c.outcome, c.observed]).sort(), [
        ['customers_customer_email_null_share', 'warn', 1],
        ['customers_customer_name_null_share', 'warn', 1],
        ['customers_customer_phone_null_share', 'warn', 1],
        ['customers_customer_street_null_share', 'warn', 1],
      ]);
      assert.notEqual(quality.verdict, 'failed', 'the day still loads');
    });
  });

  describe('quarantine and quality samples', () => {
    it("a rejected row's _value and reason show no personal value; the original columns stay as delivered to be fixed", async () => {
      const header = CSV_HEADERS.customers;
      const line = (row: Record<string, string>) => header.map((c) => (/[",\n]/.test(row[c]) ? `"${row[c]}"` : row[c])).join(',');
      const layout = land('customers', `${header.join(',')}\n${line(CANARY)}\n${line(CANARY_BAD)}\n${line({ ...CANARY, customer_id: hex('ca4'), customer_phone: '(21) 8876-54321' })}\n`);
      const options = { contract: { dateFormats: ['ymd_hms'] as const }, partitionBytes: 1 << 20 };
      const summary = (await activityEnvironment().run(ingestSource, await testWarehouse(), layout, options, { businessDate: '2024-03-10', source: 'customers' as const })) as IngestSummary;
      assert.equal(summary.rowsQuarantined, 2);
      const quarantined = customersCsvRows(summary.quarantineFile);
      assert.deepEqual(quarantined.map((r) => [r._column, r._value]), [['customer_email', 'q***'], ['customer_phone', '(**) *****-4321']]);
      for (const row of quarantined) {
        for (const cell of [row._value, row._reason]) for (const value of [CANARY_BAD.customer_email, CANARY.customer_phone, '8876-54321']) assert.ok(!cell.includes(value));
      }
      assert.equal(quarantined[0].customer_email, CANARY_BAD.customer_email, 'the original, as delivered');
      assert.ok(!JSON.stringify(summary).includes('quiteria'), 'the summary (workflow history) names column and reason only');
    });

    it('samples read from a quarantine file are masked even when the file holds a plaintext _value', async () => {
      const layout = land('customers', '');
      const file = path.join(layout.dataDir, 'handmade.quarantine.csv');
      const header = ['_file', '_line', '_column', '_value', '_reason', ...CSV_HEADERS.customers];
      const row = ['customers.csv', '2', 'customer_email', CANARY_EMAIL, 'must be an e-mail address', ...CSV_HEADERS.customers.map((c) => (CANARY as Record<string, string>)[c])];
      writeFileSync(file, `${Papa.unparse([header, row], { newline: '\n' })}\n`);
      const [sample] = await quarantineSamples(file, 'customers', 5);
      assert.equal(sample.value, 'customer_email=z***@example.com');
      assert.ok(!JSON.stringify(sample).includes('zuleica'));
    });
  });

  describe('after a real load through the activities', () => {
    let warehouse: Warehouse;
    let data: TestDataDir;
    let keys: PersonalDataKeys;
    let results: Awaited<ReturnType<typeof runDay>>;
    let personal: Set<string>;

    before(async () => {
      warehouse = await freshWarehouse();
      data = testDataDir();
      keys = keysFrom({ CARTWHEEL_PII_KEY: newKey('pii-a'), CARTWHEEL_PII_TOKEN_KEY: newKey('tok-a') });
      await landDay(data, DAY1, [CANARY, CANARY_AGAIN, CANARY_BAD]);
      personal = personalValuesOf(data.layout.landingFile(DAY1, 'customers'));
      results = await runDay({ ...data.settings, personalData: keys, qualityChecks: SAMPLING_CHECKS }, warehouse, DAY1);
      assert.ok(results.loaded, 'the day loads');
      await backupWarehouse(warehouse.client, path.join(data.settings.dataDir, 'backups', 'after-day-1'));
    });

    it('the scans can find a value: the landed export holds every personal value in plaintext', async () => {
      assert.ok(personal.size > 400, `${personal.size} personal values`);
      for (const value of [CANARY.customer_name, CANARY_EMAIL, CANARY_PHONE, CANARY.customer_street, CANARY_BAD.customer_email]) assert.ok(personal.has(value), value);
      const delivered = personalValuesOf(data.layout.landingFile(DAY1, 'customers'), false);
      const found = await scanFiles([data.layout.landingFile(DAY1, 'customers')], delivered);
      assert.equal(found.length, delivered.size, 'every delivered value is found in landing/');
    });

    it('no warehouse table holds a personal value in plaintext (snapshots, dim_customer, facts, run history)', async () => {
      const { tables, found } = await scanWarehouse(warehouse, personal);
      for (const table of ['customer_snapshots', 'dim_customer', 'fact_sales', 'etl_runs', 'dq_results', 'audit_log']) {
        if (table !== 'etl_runs' && table !== 'audit_log') assert.ok(tables.includes(table), table);
      }
      assert.deepEqual(found, []);
      // Control: the same scan sees the masked canary in dim_customer.
      const dump = await (await warehouse.client.query({ query: 'SELECT * FROM dim_customer', format: 'CSV' })).text();
      assert.equal(findValues('dim_customer', dump, new Set(['z***@example.com'])).length, 1);
    });

    it('no file under the data folder outside landing/, archive/ and quarantine/ holds a personal value in plaintext', async () => {
      const files = filesUnder(data.settings.dataDir, ['landing', 'archive', 'quarantine']);
      const kinds = (re: RegExp) => files.filter((f) => re.test(f)).length;
      assert.ok(kinds(new RegExp(`work/.*valid-\\d{4}\\.${HANDOVER_FORMAT.extension}$`)) > 0, 'work partitions were scanned');
      assert.ok(kinds(/staging\/customers\/.*\.parquet$/) > 0, 'staged customers were scanned');
      assert.ok(kinds(/reports\/.*\.json$/) > 0 && kinds(/reports\/.*\.html$/) > 0, 'quality reports were scanned');
      assert.ok(kinds(/backups\/.*customer_snapshots\.parquet$/) > 0, 'the warehouse backup was scanned');
      assert.deepEqual(await scanFiles(files, personal), []);
      // Control: decoding a staged part yields its values, masked canary included.
      const staged = files.find((f) => /staging\/customers\/.*\.parquet$/.test(f))!;
      const content = await readableContent(staged);
      assert.ok(content.includes('z***@example.com') && content.includes('pii-a:'), 'staged customers hold ciphertext and masked values');
    });

    it('the quarantine folder shows personal values masked in _value; only the delivered columns hold them', async () => {
      const files = filesUnder(path.join(data.settings.dataDir, 'quarantine'));
      assert.ok(files.length > 0);
      let rejected = 0;
      for (const file of files) {
        for (const row of customersCsvRows(file)) {
          rejected += 1;
          assert.deepEqual(findValues(file, `${row._value}\n${row._reason}`, personal), []);
        }
      }
      assert.ok(rejected > 0);
      const canary = customersCsvRows(data.layout.quarantineFile(DAY1, 'customers')).find((r) => r.customer_id === CANARY_BAD.customer_id)!;
      assert.deepEqual([canary._column, canary._value, canary.customer_email], ['customer_email', 'q***', CANARY_BAD.customer_email]);
    });

    it('activity results (what workflow histories record) carry no personal value', () => {
      assert.deepEqual(findValues('activity results', JSON.stringify(results), personal), []);
      assert.ok(JSON.stringify(results).includes('customer_email'), 'control: the results do name the rejected column');
    });

    it('quality report samples show personal columns masked', () => {
      const report = JSON.parse(readFileSync(results.quality.reportFile, 'utf8')) as JsonReport;
      const pattern = report.checks.find((c) => c.name === 'customers_customer_email_masked_pattern')!;
      assert.equal(pattern.outcome, 'warn');
      assert.ok(pattern.samples.length > 0 && pattern.samples.every((s) => /^.\*\*\*@example\.(com|net|org)$/u.test(s.value)), JSON.stringify(pattern.samples));
      const quarantined = report.checks.find((c) => c.name === 'customers_quarantined_share')!;
      assert.ok(quarantined.samples.some((s) => s.value === 'customer_email=q***'), JSON.stringify(quarantined.samples));
    });

    it('the key holder decrypts what was loaded; equal e-mails and phones share a token; persons have one token each', async () => {
      const cipher = new PersonalCipher(keys.cipher);
      const [snapshot] = await rows<Record<string, string>>(warehouse, 'SELECT * FROM customer_snapshots WHERE customer_id = {id:String}', { id: CANARY.customer_id });
      assert.equal(cipher.decrypt(snapshot.name_encrypted, { column: 'customer_name', rowKey: CANARY.customer_id }), CANARY.customer_name);
      assert.equal(cipher.decrypt(snapshot.email_encrypted, { column: 'customer_email', rowKey: CANARY.customer_id }), CANARY_EMAIL);
      assert.equal(cipher.decrypt(snapshot.phone_encrypted, { column: 'customer_phone', rowKey: CANARY.customer_id }), CANARY_PHONE);
      assert.equal(cipher.decrypt(snapshot.street_encrypted, { column: 'customer_street', rowKey: CANARY.customer_id }), CANARY.customer_street);

      const tokens = new PersonalTokens(keys.token);
      const canaries = await rows<Record<string, string>>(warehouse, 'SELECT customer_id, email_token, phone_token FROM dim_customer WHERE customer_unique_id = {p:String} ORDER BY customer_id', { p: CANARY.customer_unique_id });
      assert.deepEqual(canaries.map((c) => c.customer_id), [CANARY.customer_id, CANARY_AGAIN.customer_id], 'the rejected canary is not loaded');
      assert.equal(canaries[0].email_token, tokens.token('email', CANARY.customer_email));
      assert.equal(canaries[1].email_token, canaries[0].email_token, 'two notations of one e-mail: one token');
      assert.equal(canaries[1].phone_token, canaries[0].phone_token, 'two notations of one phone: one token');

      const [counts] = await rows<Record<string, number>>(warehouse, `
        SELECT uniqExact(customer_unique_id) AS persons, uniqExact(token) AS tokens,
               max(tokens_per_person) AS most_tokens_per_person
        FROM (SELECT customer_unique_id, any(email_token) AS token, uniqExact(email_token) AS tokens_per_person
              FROM customer_snapshots WHERE email_token != '' GROUP BY customer_unique_id)`);
      assert.equal(Number(counts.most_tokens_per_person), 1, 'a returning person keeps one e-mail token');
      assert.equal(Number(counts.tokens), Number(counts.persons), 'distinct persons, distinct tokens');
      assert.ok(Number(await scalar(warehouse, 'SELECT count() FROM customer_snapshots GROUP BY customer_unique_id ORDER BY count() DESC LIMIT 1')) > 1, 'control: some person has several customer ids');
    });

    it('the analyst view shows masked values and tokens only, never a ciphertext or a plaintext', async () => {
      const columns = (await rows<{ name: string }>(warehouse, "SELECT name FROM system.columns WHERE database = currentDatabase() AND table = 'analyst_customers'")).map((c) => c.name);
      assert.ok(columns.includes('email_masked') && columns.includes('email_token') && columns.includes('region'));
      assert.deepEqual(columns.filter((c) => c.endsWith('_encrypted')), []);
      const view = await rows<Record<string, string>>(warehouse, "SELECT * FROM analyst_customers");
      assert.equal(view.length, await scalar(warehouse, 'SELECT count() FROM dim_customer WHERE is_current'));
      const canary = view.find((r) => r.customer_id === CANARY.customer_id)!;
      assert.deepEqual([canary.name_masked, canary.email_masked, canary.phone_masked, canary.street_masked], ['Z. Q***', 'z***@example.com', '(**) *****-5432', 'R*** ...']);
      for (const row of view) {
        assert.ok(row.email_masked === '' || /^.\*\*\*@example\.(com|net|org)$/u.test(row.email_masked), row.email_masked);
        assert.ok(row.phone_masked === '' || /^\(\*\*\) \*{4,5}-\d{4}$/.test(row.phone_masked), row.phone_masked);
        assert.ok(row.name_masked !== '' && /^(.\. )?.\*\*\*$/u.test(row.name_masked), row.name_masked);
      }
      assert.deepEqual(findValues('analyst_customers', JSON.stringify(view), personal), []);
    });

    it('a re-run of the day changes no table: the ciphertexts of the same values are the same', async () => {
      const before = await loadedTableChecksums(warehouse);
      await runDay({ ...data.settings, personalData: keys, qualityChecks: SAMPLING_CHECKS }, warehouse, DAY1);
      assert.deepEqual(await loadedTableChecksums(warehouse), before);
    });
  });

  describe('the archive of raw inputs', () => {
    const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
    const tokenKey = newKey('tok');
    const oldKey = newKey('pii-old');
    const firstKeys = keysFrom({ CARTWHEEL_PII_KEY: oldKey, CARTWHEEL_PII_TOKEN_KEY: tokenKey });
    const rotated = keysFrom({ CARTWHEEL_PII_KEY: newKey('pii-new'), CARTWHEEL_PII_PREVIOUS_KEYS: oldKey, CARTWHEEL_PII_TOKEN_KEY: tokenKey });
    let data: TestDataDir;
    let landed: Record<string, string>;

    before(async () => {
      data = testDataDir();
      await landDay(data, DAY1, [CANARY]);
      landed = Object.fromEntries(SOURCE_NAMES.map((source) => [source, sha256(data.layout.landingFile(DAY1, source))]));
      await archiveInputs(data.layout, DAY1, firstKeys);
    });

    const archived = (name: string) => path.join(data.settings.dataDir, 'archive', DAY1, name);

    it('holds the exports encrypted, under the key id, with the manifest checksums of the landed bytes', async () => {
      const manifest = JSON.parse(readFileSync(archived('manifest.json'), 'utf8')) as { files: { name: string; sha256: string }[] };
      assert.deepEqual(Object.fromEntries(manifest.files.map((f) => [f.name.replace('.csv', ''), f.sha256])), landed);
      const customers = readFileSync(archived('customers.csv'));
      assert.ok(customers.subarray(0, 64).toString('latin1').startsWith('\u0000cartwheel-archive-v1 aes-256-gcm pii-old\n'));
      // Not compressed: a plaintext value would be found as it is (the control scan of landing/ finds them all).
      const values = personalValuesOf(data.layout.landingFile(DAY1, 'customers'), false);
      assert.deepEqual(await scanFiles(filesUnder(path.join(data.settings.dataDir, 'archive')), values), []);
      assert.equal((await scanFiles([data.layout.landingFile(DAY1, 'customers')], values)).length, values.size);
      await archiveInputs(data.layout, DAY1, firstKeys);
      assert.deepEqual(readFileSync(archived('customers.csv')), customers, 're-archiving the same bytes changes nothing');
    });

    it('restores the exact landed bytes with a rotated key ring; a missing key and a moved or tampered file are refused by name', async () => {
      rmSync(data.layout.landingDir(DAY1), { recursive: true });
      await restoreLanding(data.layout, DAY1, rotated);
      for (const source of SOURCE_NAMES) assert.equal(sha256(data.layout.landingFile(DAY1, source)), landed[source], source);

      rmSync(data.layout.landingDir(DAY1), { recursive: true });
      const newOnly = keysFrom({ CARTWHEEL_PII_KEY: newKey('pii-new'), CARTWHEEL_PII_TOKEN_KEY: tokenKey });
      await assert.rejects(restoreLanding(data.layout, DAY1, newOnly), (error: Error & { type?: string }) => {
        assert.equal(error.type, 'ArchiveKeyMissing');
        assert.match(error.message, /archived customers\.csv of 2024-03-10 is encrypted with key "pii-old", which is not configured/);
        return true;
      });
      assert.ok(!existsSync(data.layout.landingFile(DAY1, 'customers')), 'nothing restored before every file verified');

      // The same encrypted file under another day's archive: bound to its day, it fails authentication.
      const other = testDataDir();
      await landDay(other, DAY2, []);
      await archiveInputs(other.layout, DAY2, firstKeys);
      cpSync(archived('customers.csv'), path.join(other.settings.dataDir, 'archive', DAY2, 'customers.csv'));
      await assert.rejects(restoreLanding(other.layout, DAY2, firstKeys), /archived customers\.csv of 2024-03-11 does not match its manifest checksum: the archive is damaged\. Restore .* \(it failed authentication/);
    });
  });

  describe('key rotation across loads', () => {
    it('day 2 under a new key: dim_customer holds both key ids, the rotated ring decrypts all of it, tokens do not change', async () => {
      const warehouse = await freshWarehouse();
      const data = testDataDir();
      const [oldKey, token] = [newKey('pii-2026-01'), newKey('tok-1')];
      const before = keysFrom({ CARTWHEEL_PII_KEY: oldKey, CARTWHEEL_PII_TOKEN_KEY: token });
      const rotated = keysFrom({ CARTWHEEL_PII_KEY: newKey('pii-2026-07'), CARTWHEEL_PII_PREVIOUS_KEYS: oldKey, CARTWHEEL_PII_TOKEN_KEY: token });
      await landDay(data, DAY1, [CANARY]);
      await landDay(data, DAY2, [CANARY]);
      await runDay({ ...data.settings, personalData: before }, warehouse, DAY1);
      await runDay({ ...data.settings, personalData: rotated }, warehouse, DAY2);

      const both = [...landedCustomers(data.layout.landingFile(DAY2, 'customers')).keys()].filter((id) => landedCustomers(data.layout.landingFile(DAY1, 'customers')).has(id));
      assert.ok(both.length > 1, 'customers exported on both days');
      const ids = await rows<{ id: string; n: number }>(warehouse, "SELECT splitByChar(':', email_encrypted)[1] AS id, count() AS n FROM dim_customer WHERE email_encrypted != '' GROUP BY id ORDER BY id");
      assert.deepEqual(ids.map((r) => r.id), ['pii-2026-01', 'pii-2026-07'], 'customers only seen on day 1 keep the old key');

      const cipher = new PersonalCipher(rotated.cipher);
      const dim = await rows<Record<string, string>>(warehouse, "SELECT customer_id, name_encrypted, email_encrypted FROM dim_customer WHERE email_encrypted != ''");
      for (const row of dim) {
        assert.match(cipher.decrypt(row.email_encrypted, { column: 'customer_email', rowKey: row.customer_id }), /@example\.(com|net|org)$/);
        cipher.decrypt(row.name_encrypted, { column: 'customer_name', rowKey: row.customer_id });
      }
      const newOnly = new PersonalCipher(keysFrom({ CARTWHEEL_PII_KEY: newKey('pii-2026-07'), CARTWHEEL_PII_TOKEN_KEY: token }).cipher);
      const old = dim.find((r) => r.email_encrypted.startsWith('pii-2026-01:'))!;
      assert.throws(() => newOnly.decrypt(old.email_encrypted, { column: 'customer_email', rowKey: old.customer_id }), /key "pii-2026-01", which is not configured/);

      const across = await rows<{ tokens: number; texts: number }>(warehouse, `
        SELECT uniqExact(email_token) AS tokens, uniqExact(email_encrypted) AS texts
        FROM customer_snapshots WHERE customer_id = {id:String}`, { id: CANARY.customer_id });
      assert.deepEqual([Number(across[0].tokens), Number(across[0].texts)], [1, 2], 'one token over both days; the ciphertext was re-encrypted under the new key');
    });
  });
});
