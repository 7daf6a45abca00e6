/**
 * Personal data protected by the engine: the SQL twin of PersonalDataProtector.protect() and of
 * maskPersonal(), producing byte for byte what the JavaScript produces (same ciphertext format, same
 * synthetic IV, so the same value of the same row encrypts to the same text; test/unit/personalSql.test.ts
 * holds them equal and decrypts the SQL ciphertext with PersonalCipher).
 *
 * API:
 *
 *   maskedValueSql(kind, rawExpr)            SQL of maskPersonal(kind, raw) for a String expression
 *                                            (any raw value, valid or not: quarantine `_value` cells;
 *                                            needs no keys). For a Nullable(String) pass ifNull(x, '').
 *
 *   withPersonalKeys(client, keys, use)      puts the derived keys into a temporary table of a session
 *                                            of its own, calls use(session), drops the table (also on
 *                                            failure). Every statement that reads the keys must pass
 *                                            `session_id: session.sessionId`.
 *
 *   session.protectedColumnsSql(source, values, rowKey)
 *                                            the select-list items `<expr> AS <col>_encrypted`,
 *                                            `<col>_token`, `<col>_masked` of every personal column of
 *                                            the source, in stored order (protectedColumns.ts). values:
 *                                            the SQL expression of each personal column's validated value
 *                                            (Nullable(String), standardised by the contract; NULL or ''
 *                                            gives NULL in every form, as protect() does); rowKey: SQL
 *                                            String expressions of CONTRACTS[source].key, in order, each
 *                                            equal to String(value) in JavaScript.
 *                                            The items read the key columns of `session.join`, which the
 *                                            statement puts after the FROM item they read, e.g.
 *                                              SELECT customer_id, ..., <items> FROM (<valid rows>) AS v
 *                                              <session.join>
 *
 * How the keys travel, and why not as query parameters. HKDF runs here, once per session, as in
 * PersonalCipher; the engine receives only what it needs to encrypt (the AES key of the current key id)
 * and to compute HMAC-SHA256 as SHA256((k ⊕ opad) ‖ SHA256((k ⊕ ipad) ‖ m)) (the IV key and the token
 * key, each as its two padded 64-byte blocks, XORed here). Measured on chDB 26.7 (embedded) and 26.9 (server): a query parameter is
 * substituted into the text the engine quotes in its error messages ("... In scope SELECT
 * unhex('<the parameter>') ..."), and a scalar subquery is folded into a constant that execution errors
 * quote too. So the keys are inserted as data (the body of an INSERT, which system.query_log does not
 * keep: its `query` stops where inline data begins) into a Memory temporary table, which
 * exists only in its session and is dropped at the end; the statements CROSS JOIN its one row, so the
 * keys are columns, and error messages name columns, never their values. The insert's own errors are
 * replaced by a message without the engine's text, and any error that leaves use() has every form of
 * every key (hex in either case, base64) cut out before it is rethrown (keyMaterialForms and
 * scrubKeyMaterial are exported for callers and tests that search logs).
 *
 * Where key material is visible (measured, test/unit/personalSql.test.ts): a chDB 26.9 server with
 * system.query_log switched on logs a parametrised query with its parameters substituted into
 * `query` (and into `exception`), so parameters would put keys in the log; it logs the keys insert as
 * `INSERT INTO <table> (...) FORMAT JSONEachRow`, without the body, and no key form at all. The
 * project's chDB server keeps no query_log by default, embedded chDB none at all (nor text_log);
 * chDB's npm connection hands the insert to the engine as one string, body included, which nothing
 * records. @clickhouse/client logs a failed query's engine message itself, before any caller sees
 * it: another reason the statements must not hold keys. Do not log the insert bodies yourself.
 *
 * Cost per customer row, CPU (200k rows on 2 loaded cores: the "costs" test in
 * test/unit/personalSql.test.ts with PERSONAL_SQL_BENCH_ROWS=200000): ~9.5 µs with the default
 * short_circuit_function_evaluation, ~7.5-9 µs with 'disable' (every expression here is safe to
 * evaluate in every branch), against ~65 µs for protect() in JavaScript. The one-row CROSS JOIN adds
 * no rows; order them with ORDER BY as without it.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { CONTRACTS, personalColumns, type SourceName } from '../contracts';
import type { PersonalKind } from '../contracts/columns';
import { formsOf, protectedName } from '../contracts/protectedColumns';
import { JS_WHITESPACE_CLASS, normaliseEmailSql, normalisePhoneSql, phoneDigitsSql, sqlText } from '../contracts/personalValues';
import { keysFromTransferable, type PersonalDataKeys, type TransferableKeys } from './personalDataKeys';

// ---------------------------------------------------------------------------------------------------
// Masks (masking.ts)

const WS = JS_WHITESPACE_CLASS;
const STARS = "'***'";

function trimSql(value: string): string {
  return `replaceRegexpAll(${value}, ${sqlText(`^[${WS}]+|[${WS}]+\\z`)}, '')`;
}

function initialSql(value: string): string {
  return `substringUTF8(${value}, 1, 1)`;
}

function maskTextSql(value: string): string {
  const trimmed = trimSql(value);
  return `if(${trimmed} = '', ${STARS}, concat(${initialSql(trimmed)}, ${STARS}))`;
}

function maskNameSql(value: string): string {
  const trimmed = trimSql(value);
  const lastWord = `extract(${trimmed}, ${sqlText(`[${WS}]([^${WS}]+)\\z`)})`;
  return (
    `multiIf(${trimmed} = '', ${STARS}, ` +
    `match(${trimmed}, ${sqlText(`[${WS}]`)}), concat(${initialSql(trimmed)}, '. ', ${initialSql(lastWord)}, ${STARS}), ` +
    `concat(${initialSql(trimmed)}, ${STARS}))`
  );
}

function maskEmailSql(value: string): string {
  const wellPlaced = `countSubstrings(${value}, '@') = 1 AND NOT startsWith(${value}, '@') AND NOT endsWith(${value}, '@')`;
  return `if(${wellPlaced}, concat(${initialSql(value)}, '***@', substring(${value}, position(${value}, '@') + 1)), ${maskTextSql(value)})`;
}

const MASKED_PHONE_SQL = '^\\(\\*\\*\\) \\*{4,5}-[0-9]{4}\\z';

function maskPhoneSql(value: string): string {
  const { all, national: stripped, valid } = phoneDigitsSql(value);
  // Area code and subscriber: from the standard form, or as written when that is national-length.
  const national = `multiIf(${valid}, ${stripped}, length(${all}) IN (10, 11), ${all}, NULL)`;
  const masked = `match(${value}, ${sqlText(MASKED_PHONE_SQL)})`;
  // The first condition is evaluated for every row, so `national` is computed once even with
  // short-circuit evaluation (a subexpression only in lazy branches is computed once per branch).
  return (
    `multiIf(${national} IS NULL AND NOT ${masked}, ${maskTextSql(value)}, ${masked}, ${value}, ` +
    // greatest(): branches are evaluated for every row when short-circuit evaluation is off.
    `concat('(**) ', repeat('*', greatest(length(assumeNotNull(${national})), 6) - 6), '-', right(assumeNotNull(${national}), 4)))`
  );
}

const MASK_SQL: Record<PersonalKind, (value: string) => string> = {
  name: maskNameSql,
  email: maskEmailSql,
  phone: maskPhoneSql,
  street: (value) => `concat(${maskTextSql(value)}, ' ...')`,
};

/**
 * maskPersonal(kind, raw) as SQL, for a String expression (raw, possibly invalid). A Nullable(String)
 * must be made a String first (ifNull(x, '')): multiIf reads a NULL condition as false. Like
 * maskPersonal, it masks '' too ('***'); PersonalDataProtector.displayValue shows '' as '', so a
 * quarantine `_value` twin is if(raw = '', '', maskedValueSql(kind, raw)).
 */
export function maskedValueSql(kind: PersonalKind, rawExpr: string): string {
  return MASK_SQL[kind](`(${rawExpr})`);
}

// ---------------------------------------------------------------------------------------------------
// Keys (PersonalCipher's derivation, done here, once)

const FORMAT = 'cartwheel-pii-v1';
const HMAC_BLOCK = 64;

/** The key columns of the session's temporary table, each with the bytes it holds. */
interface EngineKeys {
  keyId: string;
  columns: Record<'enc' | 'iv_ipad' | 'iv_opad' | 'token_ipad' | 'token_opad', Buffer>;
}

function hkdf(material: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), `${FORMAT} ${purpose}`, 32));
}

/** HMAC's two padded keys (RFC 2104) for a key no longer than a block. */
function padded(key: Buffer): { ipad: Buffer; opad: Buffer } {
  const block = Buffer.alloc(HMAC_BLOCK);
  key.copy(block);
  return { ipad: Buffer.from(block.map((b) => b ^ 0x36)), opad: Buffer.from(block.map((b) => b ^ 0x5c)) };
}

function engineKeys(keys: PersonalDataKeys): EngineKeys {
  const current = keys.cipher.current;
  const iv = padded(hkdf(current.key, 'synthetic iv'));
  const token = padded(keys.token.key);
  return {
    keyId: current.id,
    columns: { enc: hkdf(current.key, 'aes-256-gcm'), iv_ipad: iv.ipad, iv_opad: iv.opad, token_ipad: token.ipad, token_opad: token.opad },
  };
}

/**
 * Every text form in which key material of this session could show up: the configured keys and what
 * is derived from them, as hex (both cases) and base64. For scrubbing errors, and for tests that
 * search logs for them.
 */
export function keyMaterialForms(keys: PersonalDataKeys | TransferableKeys): string[] {
  const ring = 'currentId' in keys ? keysFromTransferable(keys) : keys;
  const secrets: Buffer[] = [...ring.cipher.all.values(), ring.token.key, ...Object.values(engineKeys(ring).columns)];
  for (const [, material] of ring.cipher.all) secrets.push(hkdf(material, 'aes-256-gcm'), hkdf(material, 'synthetic iv'));
  const forms = new Set<string>();
  for (const secret of secrets) {
    const hex = secret.toString('hex');
    forms.add(hex).add(hex.toUpperCase()).add(secret.toString('base64')).add(secret.toString('base64url'));
  }
  return [...forms];
}

/**
 * The message and stack of an error, and of its causes, with every key form cut out (in place;
 * returns the error).
 */
export function scrubKeyMaterial<E>(error: E, forms: readonly string[]): E {
  const scrub = (text: string) => forms.reduce((t, form) => t.split(form).join('[key material removed]'), text);
  const seen = new Set<unknown>();
  for (let e: unknown = error; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    e.message = scrub(e.message);
    if (e.stack) e.stack = scrub(e.stack);
  }
  return error;
}

// ---------------------------------------------------------------------------------------------------
// Protected forms

/** What use() receives: the session to pass, the join to add, the select-list items. */
export interface PersonalKeySession {
  /** Pass as `session_id` on every statement that reads the keys. */
  readonly sessionId: string;
  /** `CROSS JOIN <keys table> AS <alias>`: after the FROM item the items read. */
  readonly join: string;
  protectedColumnsSql(source: SourceName, values: Readonly<Record<string, string>>, rowKey: readonly string[]): string[];
}

const ALIAS = '__cartwheel_pii_keys';

function hmacSql(key: 'iv' | 'token', message: string): string {
  return `SHA256(concat(${ALIAS}.${key}_opad, SHA256(concat(${ALIAS}.${key}_ipad, ${message}))))`;
}

function protectedColumnsSql(keyId: string, source: SourceName, values: Readonly<Record<string, string>>, rowKey: readonly string[]): string[] {
  const contractKey = CONTRACTS[source].key;
  if (rowKey.length !== contractKey.length) {
    throw new Error(`${source}: the row key is ${contractKey.join(', ')} (${contractKey.length} expressions), got ${rowKey.length}`);
  }
  const keyText = rowKey.map((expr) => `(${expr})`).join(", '\\0', ");
  const items: string[] = [];
  for (const spec of personalColumns(source)) {
    const kind = spec.personal!;
    const expr = values[spec.name];
    if (expr === undefined) throw new Error(`${source}: no SQL expression for personal column ${spec.name}`);
    // NULL when empty: the crypto below propagates NULL without a branch (cheaper than if() when
    // short-circuit evaluation is on); the masks branch on their input, so they get a String.
    const present = `ifNull((${expr}), '') != ''`;
    const value = `ifNull((${expr}), '')`;
    const nullable = `nullIf(${value}, '')`;
    const aad = `concat(${sqlText(`${FORMAT}\0${keyId}\0${spec.name}\0`)}, ${keyText}, '\\0')`;
    const iv = `substring(${hmacSql('iv', `concat(${aad}, ${nullable})`)}, 1, 12)`;
    const forms: Record<string, string> = {
      encrypted: `concat(${sqlText(`${keyId}:`)}, base64Encode(concat(${iv}, encrypt('aes-256-gcm', ${nullable}, ${ALIAS}.enc, ${iv}, ${aad}))))`,
      masked: `if(${present}, ${maskedValueSql(kind, value)}, NULL)`,
    };
    if (kind === 'email' || kind === 'phone') {
      const standard = kind === 'email' ? normaliseEmailSql(nullable) : normalisePhoneSql(nullable);
      forms.token = `lower(hex(${hmacSql('token', `concat(${sqlText(`${kind}\0`)}, ifNull(${standard}, ${nullable}))`)}))`;
    }
    for (const form of formsOf(kind)) items.push(`${forms[form]} AS ${protectedName(spec.name, form)}`);
  }
  return items;
}

/**
 * Loads the derived keys of `keys` into a temporary table of a fresh session, runs use(), and drops
 * the table whatever happens. Errors leaving use() are scrubbed of key material.
 */
export async function withPersonalKeys<T>(
  client: ClickHouseClient,
  keys: PersonalDataKeys | TransferableKeys,
  use: (session: PersonalKeySession) => Promise<T>,
): Promise<T> {
  const ring = 'currentId' in keys ? keysFromTransferable(keys) : keys;
  const derived = engineKeys(ring);
  const forms = keyMaterialForms(ring);
  const sessionId = `cartwheel-pii-${randomBytes(8).toString('hex')}`;
  const table = `_cartwheel_pii_keys_${randomBytes(6).toString('hex')}`;
  const names = Object.keys(derived.columns);
  // Hex travels in the insert's body; the stored columns are the bytes (EPHEMERAL: hex is not kept).
  const columns = names.map((name) => `${name}_hex String EPHEMERAL, ${name} String DEFAULT unhex(${name}_hex)`).join(', ');
  await client.command({ query: `CREATE TEMPORARY TABLE ${table} (${columns}) ENGINE = Memory`, session_id: sessionId });
  try {
    const row = Object.fromEntries(Object.entries(derived.columns).map(([name, bytes]) => [`${name}_hex`, bytes.toString('hex')]));
    try {
      await client.insert({ table, values: [row], format: 'JSONEachRow', columns: names.map((n) => `${n}_hex`) as [string, ...string[]], session_id: sessionId });
    } catch {
      throw new Error('loading the personal-data keys into the engine failed (the engine\'s message is withheld: it may quote the keys)');
    }
    const session: PersonalKeySession = {
      sessionId,
      join: `CROSS JOIN ${table} AS ${ALIAS}`,
      protectedColumnsSql: (source, values, rowKey) => protectedColumnsSql(derived.keyId, source, values, rowKey),
    };
    return await use(session);
  } catch (error) {
    throw scrubKeyMaterial(error, forms);
  } finally {
    await client.command({ query: `DROP TEMPORARY TABLE IF EXISTS ${table}`, session_id: sessionId }).catch(() => undefined);
  }
}

