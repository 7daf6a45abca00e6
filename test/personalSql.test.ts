/**
 * The engine's personal-data SQL against the JavaScript it replaces (issue 11): the standard forms
 * (contracts/personalValues.ts), the masks (security/masking.ts) and the protected forms
 * (security/personalSql.ts against PersonalDataProtector). Each comparison is one query over
 * thousands of fast-check values (unicode, astral, whitespace of every kind JavaScript knows, empty,
 * near-misses of each shape); a failure names the seed that reproduces it (FC_SEED=<seed>).
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { normaliseEmail, normaliseEmailSql, normalisePhone, normalisePhoneSql } from '../activities/contracts/personalValues';
import type { Warehouse } from '../clickhouse/client';
import { rows, testWarehouse } from './helpers/warehouse';

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
    const values = [...sample(emailLike, 6000), ...sample(phoneLike, 6000, 1)].filter((v) => v.isWellFormed());
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
});
