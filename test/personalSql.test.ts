/**
 * The engine's personal-data SQL against the JavaScript it replaces (issue 11): the standard forms
 * (contracts/personalValues.ts), the masks (security/masking.ts) and the protected forms
 * (security/personalSql.ts against PersonalDataProtector). Each comparison is one query over
 * thousands of fast-check values (unicode, astral, whitespace of every kind JavaScript knows, empty,
 * near-misses of each shape); a failure names the seed that reproduces it (FC_SEED=<seed>).
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { normaliseEmail, normaliseEmailSql, normalisePhone, normalisePhoneSql } from '../activities/contracts/personalValues';
import type { TypedRow } from '../activities/contracts';
import type { PersonalKind } from '../activities/contracts/columns';
import { maskPersonal } from '../activities/security/masking';
import { PersonalCipher } from '../activities/security/personalCipher';
import { personalDataKeysOf, transferableKeys, type PersonalDataKeys } from '../activities/security/personalDataKeys';
import { PersonalDataProtector } from '../activities/security/personalDataProtector';
import { keyMaterialForms, maskedValueSql, withPersonalKeys, type PersonalKeySession } from '../activities/security/personalSql';
import type { Warehouse } from '../clickhouse/client';
import { rows, testWarehouse } from './helpers/warehouse';

/** Whether a string survives UTF-8 (no lone surrogate): only such strings reach the engine. */
export function wellFormed(text: string): boolean {
  return Buffer.from(text, 'utf8').toString('utf8') === text;
}

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;

export function sample<T>(arb: fc.Arbitrary<T>, count: number, salt = 0): T[] {
  return fc.sample(arb, { numRuns: count, seed: SEED + salt });
}

/** Characters that make each rule decide: JavaScript whitespace RE2 does not know, case pairs, astral. */
const TRICKY = [
  ' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u1680', '\u2000', '\u200a', '\u200b', '\u2028', '\u2029', '\u202f', '\u205f',
  '\u3000', '\ufeff', '\u0085', '@', '.', '-', '(', ')', '+', '0', '5', '9', '*', '\\', "'", '"', '%', '_', 'A', 'z', 'İ', 'ı', 'Σ',
  'ß', 'ǅ', 'Ω', '𐐀', '𝒜', '😀', 'é', 'e\u0301', '\u0000',
];
const trickyChar = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
export const trickyText = (maxLength: number) => fc.array(trickyChar, { maxLength }).map((cs) => cs.join(''));
const digitsText = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

export const emailLike = fc.oneof(
  fc.tuple(trickyText(8), fc.constantFrom('', 'x', 'Maria.Silva', 'ÁLVARO', 'a'.repeat(64), 'a'.repeat(65), '𐐀'.repeat(33), '𐐀'.repeat(64), '𐐀'.repeat(65)), fc.constantFrom('@', '@@', ''), trickyText(6), fc.constantFrom('.com', '.com.br', '.', '', '.c', '..x', `.${'d'.repeat(190)}`), trickyText(3))
    .map(([a, b, at, c, d, e]) => `${a}${b}${at}${c}${d}${e}`),
  fc.tuple(fc.constantFrom('maria', 'JOSÉ', 'a.b+c', 'Σοφία', 'x'), fc.constantFrom('example', 'ΣΑΣ', 'uol', 'x y'), fc.constantFrom('.com', '.com.br', '.ΣΣ', '.c.', ''))
    .map(([l, d, t]) => `${l}@${d}${t}`),
  trickyText(12),
);

export const phoneLike = fc.oneof(
  fc.tuple(fc.constantFrom('', '+', '+55', '55', '0', '+0', '++'), fc.array(fc.oneof(digitsText(1, 5), fc.constantFrom(' ', '-', '(', ')', '.', '\u00a0', '\u3000', '\u200b', 'x', '\n', '/')), { maxLength: 7 }))
    .map(([p, parts]) => p + parts.join('')),
  fc.tuple(fc.constantFrom('', '55', '0', '+55 '), fc.constantFrom('11', '21', '01', '10', '99', '1a'), fc.constantFrom('9', '2', '8', '1', '0', '3'), digitsText(6, 9))
    .map(([p, a, s, rest]) => `${p}${a}${s}${rest}`),
  fc.tuple(digitsText(2, 2), digitsText(4, 5), digitsText(4, 4)).map(([a, b, c]) => `(${a}) ${b}-${c}`),
  fc.constantFrom('(**) *****-5678', '(**) ****-5678', '(**) ***-5678', '(**) *****-567'),
  trickyText(14),
);

export const nameLike = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom('Maria', 'da', 'JOSÉ', 'Łukasz', 'Σοφία', '𐐀𐐨', '😀', 'e\u0301', "O'Neil", 'x'), trickyText(4)), { maxLength: 5 })
    .chain((words) => fc.array(fc.constantFrom(' ', '  ', '\t', '\u00a0', '\u3000', '\u200b', '\n'), { minLength: words.length + 1, maxLength: words.length + 1 })
      .map((gaps) => gaps.map((g, i) => g + (words[i] ?? '')).join(''))),
  trickyText(10),
);

export const streetLike = fc.oneof(
  fc.tuple(fc.constantFrom('', ' ', '\u3000', '\t'), fc.constantFrom('Rua das Acácias, 120', 'Av. Paulista 1000', '𝒜venida', 'ß', '*** ...', 'x'), fc.constantFrom('', ' ', '\u2029')).map(([a, b, c]) => a + b + c),
  trickyText(10),
);

const KIND_VALUES: Record<PersonalKind, fc.Arbitrary<string>> = { name: nameLike, email: emailLike, phone: phoneLike, street: streetLike };

/** Random keys of a two-key ring (an older key and the current one) and a token key, as configured in prod. */
function randomKeys(): PersonalDataKeys {
  const keys = personalDataKeysOf({
    CARTWHEEL_PII_KEY: { id: 'k-2026', key: randomBytes(32) },
    CARTWHEEL_PII_PREVIOUS_KEYS: [{ id: 'k-2025', key: randomBytes(32) }],
    CARTWHEEL_PII_TOKEN_KEY: { id: 't-1', key: randomBytes(32) },
  });
  assert.ok(keys);
  return keys;
}

async function evaluate(warehouse: Warehouse, values: string[], expressions: Record<string, string>): Promise<Record<string, string | null>[]> {
  const select = Object.entries(expressions).map(([name, sql]) => `${sql} AS ${name}`).join(', ');
  return rows(warehouse, `SELECT ${select} FROM (SELECT arrayJoin({values:Array(String)}) AS v)`, { values });
}

function firstDifference<T>(values: T[], expected: unknown[], actual: unknown[]): string | undefined {
  const i = expected.findIndex((e, k) => e !== actual[k]);
  return i === -1 ? undefined : `${JSON.stringify(values[i])}: JS ${JSON.stringify(expected[i])}, SQL ${JSON.stringify(actual[i])} (FC_SEED=${SEED})`;
}

describe('personal values in SQL (issue 11)', function () {
  let warehouse: Warehouse;
  before(async () => {
    warehouse = await testWarehouse();
  });

  it('normaliseEmailSql and normalisePhoneSql agree with the JavaScript on 12,000 generated values', async () => {
    const values = [...sample(emailLike, 6000), ...sample(phoneLike, 6000, 1)].filter(wellFormed);
    const result = await evaluate(warehouse, values, { email: normaliseEmailSql('v'), phone: normalisePhoneSql('v') });
    assert.equal(result.length, values.length);
    const difference =
      firstDifference(values, values.map((v) => normaliseEmail(v) ?? null), result.map((r) => r.email)) ??
      firstDifference(values, values.map((v) => normalisePhone(v) ?? null), result.map((r) => r.phone));
    assert.equal(difference, undefined, difference);
    // The generators reach both verdicts of both functions, so the comparison is not all-undefined.
    for (const normalise of [normaliseEmail, normalisePhone]) {
      const valid = values.filter((v) => normalise(v) !== undefined).length;
      assert.ok(valid > 300 && valid < values.length - 300, `${normalise.name}: ${valid} of ${values.length} valid`);
    }
  });

  it('maskedValueSql agrees with maskPersonal for every kind on 16,000 generated values, valid or not', async () => {
    const kinds = Object.keys(KIND_VALUES) as PersonalKind[];
    // Every kind sees its own shapes and the others' (a quarantined value may be anything).
    const values = [...new Set(kinds.flatMap((kind, i) => sample(KIND_VALUES[kind], 4000, 10 + i)))].filter(wellFormed);
    const result = await evaluate(warehouse, values, Object.fromEntries(kinds.map((kind) => [kind, maskedValueSql(kind, 'v')])));
    for (const kind of kinds) {
      const difference = firstDifference(values, values.map((v) => maskPersonal(kind, v)), result.map((r) => r[kind]));
      assert.equal(difference, undefined, `${kind}: ${difference}`);
    }
    // Each branch of each mask is reached.
    const masked = (kind: PersonalKind, test: (m: string) => boolean) => values.filter((v) => test(maskPersonal(kind, v))).length;
    assert.ok(masked('name', (m) => m.includes('. ')) > 100 && masked('name', (m) => m === '***') > 20);
    assert.ok(masked('email', (m) => m.includes('***@')) > 100);
    assert.ok(masked('phone', (m) => m.startsWith('(**) ')) > 100 && masked('phone', (m) => /^\(\*\*\) \*{4}-/.test(m)) > 10);
  });

  describe('protected columns', () => {
    const COLUMNS = ['customer_name', 'customer_email', 'customer_phone', 'customer_street'] as const;
    type Customer = Record<'customer_id' | (typeof COLUMNS)[number], string | null>;
    const hexId = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 });
    /** A value as the contract hands it over: standardised, NULL when empty; sometimes not (protect() takes it anyway). */
    const validated = (arb: fc.Arbitrary<string>, normalise?: (v: string) => string | undefined) =>
      fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 5, arbitrary: arb.map((v) => (v === '' ? null : normalise ? normalise(v) ?? v : v)) });
    const customer: fc.Arbitrary<Customer> = fc.record({
      customer_id: fc.oneof({ weight: 9, arbitrary: hexId }, { weight: 1, arbitrary: trickyText(6) }),
      customer_name: validated(nameLike),
      customer_email: validated(emailLike, normaliseEmail),
      customer_phone: validated(phoneLike, normalisePhone),
      customer_street: validated(streetLike),
    });

    /** Protect `customers` in one query; `extra` adds select-list items (a failing one, for errors). */
    async function protectInSql(session: PersonalKeySession, customers: Customer[], extra = ''): Promise<Record<string, string | null>[]> {
      const values = Object.fromEntries(COLUMNS.map((c) => [c, `r.${c}`]));
      const items = session.protectedColumnsSql('customers', values, ['r.customer_id']);
      const structure = ['customer_id String', ...COLUMNS.map((c) => `${c} Nullable(String)`), 'n UInt32'].join(', ');
      const query =
        `SELECT r.n AS n, r.customer_id AS customer_id, ${items.join(', ')}${extra} ` +
        `FROM format(JSONEachRow, ${"'"}${structure}${"'"}, {data:String}) AS r ${session.join} ORDER BY n`;
      const data = customers.map((c, n) => JSON.stringify({ ...c, n })).join('\n');
      const result = await warehouse.client.query({ query, query_params: { data }, format: 'JSONEachRow', session_id: session.sessionId });
      return result.json();
    }

    it('equal to PersonalDataProtector.protect() byte for byte on 5,000 generated customers, and decryptable by PersonalCipher', async () => {
      const keys = randomKeys();
      const customers = sample(customer, 5000, 20).filter((c) => Object.values(c).every((v) => v === null || wellFormed(v)));
      const sql = await withPersonalKeys(warehouse.client, transferableKeys(keys), (session) => protectInSql(session, customers));
      const protector = new PersonalDataProtector('customers', keys);
      const cipher = new PersonalCipher(keys.cipher);
      assert.equal(sql.length, customers.length);
      let encrypted = 0;
      customers.forEach((input, i) => {
        const expected: TypedRow = { ...input };
        protector.protect(expected);
        const { n, ...actual } = sql[i];
        assert.equal(n, i);
        assert.deepEqual(actual, expected, `customer ${JSON.stringify(input)} (FC_SEED=${SEED})`);
        for (const column of COLUMNS) {
          const stored = actual[`${column}_encrypted`];
          if (stored === null) continue;
          encrypted += 1;
          assert.ok(stored.startsWith('k-2026:'), 'the current key id in front');
          assert.equal(cipher.decrypt(stored, { column, rowKey: input.customer_id! }), input[column]);
        }
      });
      assert.ok(encrypted > customers.length * 2, `${encrypted} values encrypted`);
    });

    it('deterministic: the same customers give the same text in a second session; another row key or key gives other text', async () => {
      const keys = randomKeys();
      const customers = sample(customer, 200, 30).filter((c) => c.customer_email !== null && Object.values(c).every((v) => v === null || wellFormed(v)));
      const once = await withPersonalKeys(warehouse.client, keys, (session) => protectInSql(session, customers));
      const twice = await withPersonalKeys(warehouse.client, keys, (session) => protectInSql(session, customers));
      assert.deepEqual(twice, once);
      const moved = await withPersonalKeys(warehouse.client, keys, (session) => protectInSql(session, customers.map((c) => ({ ...c, customer_id: `${c.customer_id}x` }))));
      const rekeyed = await withPersonalKeys(warehouse.client, randomKeys(), (session) => protectInSql(session, customers));
      for (let i = 0; i < customers.length; i++) {
        assert.notEqual(moved[i].customer_email_encrypted, once[i].customer_email_encrypted);
        assert.equal(moved[i].customer_email_token, once[i].customer_email_token, 'tokens do not depend on the row');
        assert.notEqual(rekeyed[i].customer_email_encrypted, once[i].customer_email_encrypted);
        assert.notEqual(rekeyed[i].customer_email_token, once[i].customer_email_token);
      }
    });
  });
});
