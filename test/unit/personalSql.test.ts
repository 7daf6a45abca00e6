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
import { normaliseEmail, normaliseEmailSql, normalisePhone, normalisePhoneSql } from '../../domain/contracts/personalValues';
import type { TypedRow } from '../../domain/contracts';
import type { PersonalKind } from '../../domain/contracts/columns';
import { maskPersonal } from '../../domain/security/masking';
import { PersonalCipher } from '../../domain/security/personalCipher';
import { personalDataKeysOf, transferableKeys, type PersonalDataKeys } from '../../domain/security/personalDataKeys';
import { PersonalDataProtector } from '../../domain/security/personalDataProtector';
import { keyMaterialForms, maskedValueSql, withPersonalKeys, type PersonalKeySession } from '../../domain/security/personalSql';
import type { Warehouse } from '../../clickhouse/client';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { DefaultFailureConverter, defaultPayloadConverter } from '@temporalio/common';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHDB_PYTHON_ENV, SERVER_TOOL_DIR } from '../../clickhouse/server/provision';
import { startChdbServer } from '../../clickhouse/server/server';
import { tempDir } from '../helpers/tempDirs';
import { rows, testWarehouse } from '../helpers/warehouse';

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

/**
 * Evaluate the expressions over the values, with short-circuit evaluation on and off (the engine's
 * statements may run either way); the two must agree, and their common answer is returned.
 */
async function evaluate(warehouse: Warehouse, values: string[], expressions: Record<string, string>): Promise<Record<string, string | null>[]> {
  const select = Object.entries(expressions).map(([name, sql]) => `${sql} AS ${name}`).join(', ');
  const run = (shortCircuit: string) =>
    rows<Record<string, string | null>>(warehouse, `SELECT ${select} FROM (SELECT arrayJoin({values:Array(String)}) AS v) SETTINGS short_circuit_function_evaluation = '${shortCircuit}'`, { values });
  const [on, off] = [await run('enable'), await run('disable')];
  assert.deepEqual(off, on, 'the same answer with short-circuit evaluation off');
  return on;
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
    async function protectInSql(session: PersonalKeySession, customers: Customer[], extra = '', shortCircuit = 'enable'): Promise<Record<string, string | null>[]> {
      const values = Object.fromEntries(COLUMNS.map((c) => [c, `r.${c}`]));
      const items = session.protectedColumnsSql('customers', values, ['r.customer_id']);
      const structure = ['customer_id String', ...COLUMNS.map((c) => `${c} Nullable(String)`), 'n UInt32'].join(', ');
      const query =
        `SELECT r.n AS n, r.customer_id AS customer_id, ${items.join(', ')}${extra} ` +
        `FROM format(JSONEachRow, ${"'"}${structure}${"'"}, {data:String}) AS r ${session.join} ORDER BY n ` +
        `SETTINGS short_circuit_function_evaluation = '${shortCircuit}'`;
      const data = customers.map((c, n) => JSON.stringify({ ...c, n })).join('\n');
      const result = await warehouse.client.query({ query, query_params: { data }, format: 'JSONEachRow', session_id: session.sessionId });
      return result.json();
    }

    it('equal to PersonalDataProtector.protect() byte for byte on 5,000 generated customers, and decryptable by PersonalCipher', async () => {
      const keys = randomKeys();
      const customers = sample(customer, 5000, 20).filter((c) => Object.values(c).every((v) => v === null || wellFormed(v)));
      const [sql, withoutShortCircuit] = await withPersonalKeys(warehouse.client, transferableKeys(keys), async (session) => [
        await protectInSql(session, customers),
        await protectInSql(session, customers, '', 'disable'),
      ]);
      assert.deepEqual(withoutShortCircuit, sql, 'the same with short-circuit evaluation off');
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

    describe('no key material reaches the engine\'s text, its logs or an error', () => {
      const keys = randomKeys();
      const forms = keyMaterialForms(keys);
      const found = (text: string) => forms.filter((form) => text.includes(form));
      const someCustomers = () => sample(customer, 50, 40).filter((c) => Object.values(c).every((v) => v === null || wellFormed(v)));

      /** The client with every statement it is given recorded: SQL text, parameters, insert bodies. */
      function recording(client: ClickHouseClient): { client: ClickHouseClient; texts: string[]; bodies: string[] } {
        const texts: string[] = [];
        const bodies: string[] = [];
        const record = (params: { query?: string; table?: string; query_params?: unknown; values?: unknown }) => {
          texts.push(params.query ?? `INSERT INTO ${params.table}`, JSON.stringify(params.query_params ?? {}));
          if (params.values !== undefined) bodies.push(JSON.stringify(params.values));
        };
        const proxy = new Proxy(client, {
          get(target, property, receiver) {
            const member = Reflect.get(target, property, receiver);
            if (!['query', 'command', 'exec', 'insert'].includes(String(property)) || typeof member !== 'function') return member;
            return (params: Parameters<typeof record>[0]) => {
              record(params);
              return member.call(target, params);
            };
          },
        });
        return { client: proxy, texts, bodies };
      }

      it('the statements carry no key in their text or parameters; the keys travel as insert data only', async () => {
        const { client, texts, bodies } = recording(warehouse.client);
        const customers = someCustomers();
        const result = await withPersonalKeys(client, keys, async (session) => {
          const values = Object.fromEntries(COLUMNS.map((c) => [c, `r.${c}`]));
          const items = session.protectedColumnsSql('customers', values, ['r.customer_id']);
          const structure = ['customer_id String', ...COLUMNS.map((c) => `${c} Nullable(String)`)].join(', ');
          const query = `SELECT ${items.join(', ')} FROM format(JSONEachRow, '${structure}', {data:String}) AS r ${session.join}`;
          const answer = await client.query({ query, query_params: { data: customers.map((c) => JSON.stringify(c)).join('\n') }, format: 'JSONEachRow', session_id: session.sessionId });
          return answer.json();
        });
        assert.equal(result.length, customers.length);
        assert.ok(texts.length >= 4, 'create, insert, select and drop were recorded');
        assert.deepEqual(texts.flatMap(found), [], 'no key form in any statement text or parameter');
        assert.ok(bodies.flatMap(found).length >= 5, 'control: the recording sees the derived keys in the insert body');
      });

      it('failing statements inside the session quote no key, where a query parameter would be quoted', async () => {
        const raw: string[] = [];
        const fail = async (session: PersonalKeySession, extra: string) => {
          try {
            await protectInSql(session, someCustomers(), extra);
          } catch (error) {
            raw.push((error as Error).message);
            return;
          }
          assert.fail(`expected ${extra} to fail`);
        };
        await withPersonalKeys(warehouse.client, keys, async (session) => {
          await fail(session, ', no_such_column'); // analysis: the engine quotes the statement
          await fail(session, ', r.customer_name_encrypted + 1'); // type error in a scope with the key columns
          await fail(session, ", throwIf(r.n = 3, 'boom') AS t"); // execution: the engine quotes the expression
          await fail(session, ", toUInt8(concat(toString(r.n), 'x')) AS t");
        });
        assert.equal(raw.length, 4);
        assert.ok(raw.some((m) => m.includes('__cartwheel_pii_keys')), 'the messages do quote the statement');
        assert.deepEqual(raw.flatMap(found), [], `no key form in an engine error:\n${raw.join('\n')}`);
        // Control: the same kind of failure with a derived key as a query parameter quotes it.
        const parameter = forms.find((f) => /^[0-9a-f]{128}$/.test(f))!;
        const leak = await warehouse.client.query({ query: 'SELECT SHA256(concat(unhex({k:String}), toString(number))) + 1 FROM numbers(2)', query_params: { k: parameter } }).then(
          () => '',
          (error: Error) => error.message,
        );
        assert.ok(leak.includes(parameter), `a parameter is quoted by the engine's error: ${leak}`);
      });

      it('an error leaving the session has key material cut out, and the keys table is gone afterwards', async () => {
        let table = '';
        const derivedHex = forms.find((f) => /^[0-9a-f]{64}$/.test(f))!;
        const error = await withPersonalKeys(warehouse.client, keys, async (session) => {
          table = session.join.split(' ')[2];
          const cause = new Error(`the engine said ${Buffer.from(derivedHex, 'hex').toString('base64')}`);
          throw new Error(`something quoted ${derivedHex} and ${derivedHex.toUpperCase()}`, { cause });
        }).then(() => undefined, (e: Error) => e);
        assert.ok(error, 'the error is rethrown');
        assert.ok(error.cause instanceof Error && error.cause.message.startsWith('the engine said [key material removed]'), 'its cause is scrubbed too');
        assert.deepEqual(found(`${error.message}\n${error.stack}\n${(error.cause as Error).message}\n${(error.cause as Error).stack}`), []);
        assert.match(error.message, /something quoted \[key material removed\]/);
        assert.match(table, /^_cartwheel_pii_keys_[0-9a-f]+$/);
        await assert.rejects(rows(warehouse, `SELECT * FROM ${table}`), /Unknown table|UNKNOWN_TABLE|doesn't exist/i);
      });

      it('what a workflow history would record of a failing protecting activity holds no key', async () => {
        // An activity's error reaches the history as a Failure (message, stack, causes) built by this converter.
        const toHistory = (error: unknown) => JSON.stringify(new DefaultFailureConverter().errorToFailure(error, defaultPayloadConverter));
        const failures: string[] = [];
        for (const fail of [
          (session: PersonalKeySession) => protectInSql(session, someCustomers(), ', no_such_column'),
          (session: PersonalKeySession) => protectInSql(session, someCustomers(), ", throwIf(r.n = 3, 'boom') AS t"),
          () => Promise.reject(new Error('wrapped', { cause: new Error(`quoted ${forms[0]}`) })),
        ]) {
          const error = await withPersonalKeys(warehouse.client, keys, fail).then(() => assert.fail('expected a failure'), (e: unknown) => e);
          failures.push(toHistory(error));
        }
        assert.ok(failures[0].includes('no_such_column') && failures[2].includes('[key material removed]'), 'the failures are the ones thrown');
        assert.deepEqual(failures.flatMap(found), []);
        assert.ok(found(toHistory(new Error(`quoted ${forms[0]}`))).length > 0, 'control: a key in an error would be found in its history form');
      });

      it('a failing key insert reports without the engine\'s message', async () => {
        const hex = forms[0];
        const failing = new Proxy(warehouse.client, {
          get(target, property, receiver) {
            if (property === 'insert') return () => Promise.reject(new Error(`Cannot parse input: ${hex}`));
            return Reflect.get(target, property, receiver);
          },
        });
        await assert.rejects(withPersonalKeys(failing, keys, async () => 'unreached'), (error: Error) => {
          assert.match(error.message, /loading the personal-data keys into the engine failed/);
          assert.deepEqual(found(error.message), []);
          return true;
        });
      });

      it('system.query_log (where the engine keeps one) holds no key after a protecting query and a failing one', async () => {
        await withPersonalKeys(warehouse.client, keys, async (session) => {
          await protectInSql(session, someCustomers());
          await protectInSql(session, someCustomers(), ', no_such_column').catch(() => undefined);
        });
        const marker = `cartwheel_query_log_marker_${randomBytes(4).toString('hex')}`;
        await rows(warehouse, `SELECT '${marker}' AS m`);
        await warehouse.client.command({ query: 'SYSTEM FLUSH LOGS' }).catch(() => undefined);
        const [{ n }] = await rows<{ n: number }>(warehouse, "SELECT count() AS n FROM system.tables WHERE database = 'system' AND name = 'query_log'");
        if (Number(n) === 0) {
          // Embedded chDB keeps no query log (nor text_log): nothing to search. A server does.
          assert.equal(warehouse.mode, 'embedded', 'a ClickHouse server keeps system.query_log');
          return;
        }
        const logged = await rows<{ query: string; exception: string }>(warehouse, 'SELECT query, exception FROM system.query_log WHERE event_time > now() - 600');
        const text = logged.map((l) => `${l.query}\n${l.exception}`).join('\n');
        assert.ok(text.includes(marker), 'control: the log holds the marker query');
        assert.ok(text.includes('__cartwheel_pii_keys'), 'control: the log holds the protecting queries');
        assert.deepEqual(found(text), []);
      });
    });

    it('on a ClickHouse server keeping system.query_log: parameters are logged as substituted text, the keys are not', async function () {
      // The chDB server (PyPI) as provisioned by npm run provision; it keeps no query_log unless told to.
      if (!process.env[CHDB_PYTHON_ENV] && !existsSync(path.join(SERVER_TOOL_DIR, 'venv', 'bin', 'python'))) this.skip();
      const home = tempDir('pii-query-log');
      mkdirSync(path.join(home, 'config.d'));
      writeFileSync(
        path.join(home, 'config.d', 'query_log.xml'),
        '<clickhouse><query_log><database>system</database><table>query_log</table></query_log></clickhouse>',
      );
      const server = await startChdbServer({ home, filesDir: tempDir('pii-query-log-files'), databases: ['cartwheel_pii'], httpPort: 0, tcpPort: 0 });
      const client = createClient({ ...server.as('admin'), log: { level: ClickHouseLogLevel.OFF } }); // the client's own error log is not under test
      try {
        const keys = randomKeys();
        const forms = keyMaterialForms(keys);
        const customers = sample(customer, 50, 50).filter((c) => Object.values(c).every((v) => v === null || wellFormed(v)));
        const values = Object.fromEntries(COLUMNS.map((c) => [c, `r.${c}`]));
        const structure = ['customer_id String', ...COLUMNS.map((c) => `${c} Nullable(String)`)].join(', ');
        const protecting = await withPersonalKeys(client, keys, async (session) => {
          const items = session.protectedColumnsSql('customers', values, ['r.customer_id']);
          const run = (extra: string) =>
            client
              .query({
                query: `SELECT ${items.join(', ')}${extra} FROM format(JSONEachRow, '${structure}', {data:String}) AS r ${session.join}`,
                query_params: { data: customers.map((c) => JSON.stringify(c)).join('\n') },
                format: 'JSONEachRow',
                session_id: session.sessionId,
              })
              .then((r) => r.json());
          const result = await run('');
          await assert.rejects(run(', no_such_column'));
          return result;
        });
        assert.equal(protecting.length, customers.length);
        // Control: a derived-key-shaped value passed as a query parameter, as the keys are not.
        const parameter = randomBytes(64).toString('hex');
        await client.query({ query: 'SELECT length({k:String}) AS n', query_params: { k: parameter } }).then((r) => r.text());
        await client.command({ query: 'SYSTEM FLUSH LOGS' });
        const logged = JSON.stringify(await (await client.query({ query: 'SELECT * FROM system.query_log', format: 'JSONEachRow' })).json());
        assert.ok(logged.includes(parameter), 'query_log holds a query parameter, substituted into the query text');
        assert.ok(logged.includes('__cartwheel_pii_keys') && logged.includes('no_such_column'), 'query_log holds the protecting queries, the failing one too');
        assert.ok(logged.includes('_hex) FORMAT JSONEachRow'), 'query_log holds the keys insert, without its body');
        assert.deepEqual(forms.filter((form) => logged.includes(form)), [], 'no key form in system.query_log');
      } finally {
        await client.close();
        await server.stop();
      }
    });

    it('costs less CPU per customer row than protect() (PERSONAL_SQL_BENCH_ROWS=200000 for a measurement)', async () => {
      const count = Number(process.env.PERSONAL_SQL_BENCH_ROWS ?? 10000);
      const first = ['Maria', 'José', 'Ana', 'João', 'Francisca', 'Antônio', 'Adriana', 'Carlos'];
      const last = ['da Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira Lima'];
      const customers: Customer[] = Array.from({ length: count }, (_, i) => ({
        customer_id: randomBytes(16).toString('hex'),
        customer_name: `${first[i % 8]} ${last[(i >> 3) % 8]}`,
        customer_email: i % 10 === 0 ? null : `cliente.${i}@example.com.br`,
        customer_phone: i % 7 === 0 ? null : `+55${11 + (i % 80)}9${String(10000000 + i).slice(-8)}`,
        customer_street: `Rua das Acácias, ${i % 2000}`,
      }));
      const keys = randomKeys();
      const protector = new PersonalDataProtector('customers', keys);
      const cpuMicros = async (work: () => unknown) => {
        const start = process.cpuUsage(); // the embedded engine's threads are this process's
        await work();
        const used = process.cpuUsage(start);
        return (used.user + used.system) / count;
      };
      const js = await cpuMicros(() => customers.forEach((c) => protector.protect({ ...c })));
      const table = `personal_sql_bench_${randomBytes(4).toString('hex')}`;
      await warehouse.client.command({ query: `CREATE TABLE ${table} (customer_id String, ${COLUMNS.map((c) => `${c} Nullable(String)`).join(', ')}) ENGINE = Memory` });
      try {
        await warehouse.client.insert({ table, values: customers, format: 'JSONEachRow' });
        const measured = await withPersonalKeys(warehouse.client, keys, async (session) => {
          const items = session.protectedColumnsSql('customers', Object.fromEntries(COLUMNS.map((c) => [c, `r.${c}`])), ['r.customer_id']);
          const sum = async (select: string[], shortCircuit: string) => {
            const query = `SELECT sum(cityHash64(${select.join(', ')})) AS h FROM ${table} AS r ${session.join} SETTINGS short_circuit_function_evaluation = '${shortCircuit}'`;
            await warehouse.client.query({ query, format: 'JSONEachRow', session_id: session.sessionId }).then((r) => r.json());
          };
          const plain = ['r.customer_id', ...COLUMNS.map((c) => `r.${c}`)];
          const forms = items.map((item) => item.replace(/ AS \w+$/, ''));
          const result: Record<string, number> = {};
          for (const shortCircuit of ['enable', 'disable']) {
            const reading = await cpuMicros(() => sum(plain, shortCircuit));
            result[shortCircuit] = (await cpuMicros(() => sum(forms, shortCircuit))) - reading;
          }
          return result;
        });
        console.log(`      ${count} customers: protect() ${js.toFixed(1)} µs CPU/row; SQL ${measured.enable.toFixed(1)} (short-circuit on), ${measured.disable.toFixed(1)} (off)`);
        assert.ok(measured.enable < js && measured.disable < js, 'the engine is cheaper than the JavaScript it replaces');
      } finally {
        await warehouse.client.command({ query: `DROP TABLE IF EXISTS ${table}` });
      }
    });
  });
});
