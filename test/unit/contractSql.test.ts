/**
 * Differential test of the contracts' two implementations: for every kind of column, the zod schema
 * and its compiled ClickHouse SQL (ColumnMeta.sql) give the same verdict, the same reason and the
 * same value, and count the same normalisations, on generated valid values, near misses and nasty
 * text. Each batch of values is decided by one SQL query over an Array(String) parameter, in the
 * shared embedded warehouse, with short-circuit evaluation on (the default) and off (every branch
 * of multiIf evaluated: no function may throw on any input).
 */
import fc from 'fast-check';
import { strict as assert } from 'node:assert';
import type { z } from 'zod';
import type { Warehouse } from '../../clickhouse/client';
import {
  buildColumn,
  columnRegistry,
  emailAddress,
  integer,
  money,
  oneOf,
  optionalText,
  optionalTimestamp,
  personalText,
  phoneNumber,
  text,
  timestamp,
  type ColumnDef,
  type ColumnMeta,
  type ContractSettings,
  DEFAULT_DATE_RANGE,
} from '../../domain/contracts/columns';
import { BRAZILIAN_STATES, HEX_ID } from '../../domain/contracts/customers';
import { DATE_FORMATS, dateToEpochMs, DEFAULT_DATE_FORMATS, type DateFormat } from '../../domain/contracts/timestamps';
import { testWarehouse } from '../helpers/warehouse';

/** Values per column case: BATCHES queries (per short-circuit mode) of BATCH values each. */
const BATCH = 10_000;
const BATCHES = 1;

interface Decided {
  reason: string;
  value: unknown;
  normalised: string;
}

async function decideInSql(warehouse: Warehouse, meta: ColumnMeta, values: string[], shortCircuit: boolean): Promise<Decided[]> {
  const { value, reason, normalised } = meta.sql('raw');
  const result = await warehouse.client.query({
    query: `SELECT i, ${value} AS value, ${reason} AS reason, ${normalised} AS normalised
            FROM (SELECT tupleElement(t, 1) AS i, tupleElement(t, 2) AS raw FROM (SELECT arrayJoin(arrayZip(arrayEnumerate(vs), vs)) AS t FROM (SELECT {vs:Array(String)} AS vs)))
            ORDER BY i`,
    query_params: { vs: values },
    format: 'JSONEachRow',
    clickhouse_settings: { short_circuit_function_evaluation: shortCircuit ? 'enable' : 'disable' },
  });
  const rows = await result.json<{ i: number; value: unknown; reason: string; normalised: string }>();
  assert.equal(rows.length, values.length, 'one SQL row per value');
  // 64-bit integers come back as numbers from chDB, as strings from a server.
  return rows.map((r) => ({ reason: r.reason, normalised: r.normalised, value: typeof r.value === 'string' && meta.storage !== 'string' ? Number(r.value) : r.value }));
}

function decideInZod(schema: z.ZodType, meta: ColumnMeta, raw: string): Decided {
  const result = schema.safeParse(raw);
  if (!result.success) assert.equal(result.error.issues.length, 1, `one issue per column for ${JSON.stringify(raw)}`);
  return { reason: result.success ? '' : result.error.issues[0].message, value: result.success ? result.data : undefined, normalised: meta.normalised(raw) };
}

/** No lone surrogate: the text has a UTF-8 form (ingest refuses bytes that are not UTF-8). */
const wellFormed = (s: string) => !/\p{Cs}/u.test(s);

/** -0 and 0 are one value to the warehouse. */
const same = (a: unknown, b: unknown) => a === b || (typeof a === 'number' && typeof b === 'number' && a === 0 && b === 0);

/**
 * Decide BATCHES × BATCH values drawn from `values` (fast-check, fixed seed) with zod and with SQL,
 * and compare. Failures name the value, the side that differs and the seed.
 */
async function assertSameDecisions(def: ColumnDef, settings: ContractSettings, values: fc.Arbitrary<string>, seed: number): Promise<number> {
  const warehouse = await testWarehouse();
  const schema = buildColumn('column', def, settings);
  const meta = columnRegistry.get(schema)!;
  const drawn = fc.sample(values.filter(wellFormed), { numRuns: BATCH * BATCHES, seed });
  let valid = 0;
  for (let b = 0; b < BATCHES; b += 1) {
    const batch = drawn.slice(b * BATCH, (b + 1) * BATCH);
    const js = batch.map((raw) => decideInZod(schema, meta, raw));
    valid += js.filter((d) => d.reason === '').length;
    for (const shortCircuit of [true, false]) {
      const sql = await decideInSql(warehouse, meta, batch, shortCircuit);
      batch.forEach((raw, i) => {
        const at = `${JSON.stringify(raw.length > 120 ? `${raw.slice(0, 120)}… (${raw.length} units)` : raw)} (seed ${seed}, short-circuit ${shortCircuit ? 'on' : 'off'})`;
        assert.equal(sql[i].reason, js[i].reason, `reason of ${at}`);
        if (js[i].reason === '') assert.ok(same(sql[i].value, js[i].value), `value of ${at}: SQL ${JSON.stringify(sql[i].value)}, zod ${JSON.stringify(js[i].value)}`);
        assert.equal(sql[i].normalised, js[i].normalised, `normalised of ${at}`);
      });
    }
  }
  // Both verdicts must be well represented, or the comparison proves little.
  assert.ok(valid > drawn.length * 0.1 && valid < drawn.length * 0.9, `valid share ${valid}/${drawn.length} should be between 10% and 90%`);
  return drawn.length;
}

// ---------------------------------------------------------------- generators

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** Text nobody means as a value but exports contain. */
const NASTY = [
  '', ' ', '  ', '\t', '\n', '\r\n', '\r', '#N/A', 'N/A', 'NULL', 'null', 'Null', '-', '--', 'n/a', 'NaN', 'nan', 'Infinity', '-Infinity',
  'undefined', 'None', '0x1F', '1e3', '1E-2', '0b1', '０１２', '١٢٣', '۱۲', '\u00a0', '\u200b', '\ufeff', '\ufeff1', '\u0000', '\u0000a', '\u0085',
  '\u2028', "'", "''", '\\', '\\\\', '"', '""', '%', '_', '.', '..', ',', 'é', 'e\u0301', '😀', '𝟘', 'ǅ', 'ß', 'İ', 'ﬁ', 'Å', '\u0130',
];

const unicodeText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(...'aZ09 -_.,;/\\\'"\t\n\r\u00a0é😀\u0000\u001f\u007f\u009f\u2028'), maxLength: 12 }),
);

/** Small edits that turn a valid value into an almost-valid one. */
function nearMisses(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edits: ((s: string, at: number, extra: string) => string)[] = [
    (s, at) => s.slice(0, at) + s.slice(at + 1),
    (s, at, x) => s.slice(0, at) + x + s.slice(at),
    (s, at, x) => s.slice(0, at) + x + s.slice(at + 1),
    (s) => ` ${s}`,
    (s) => `${s} `,
    (s) => `${s}\n`,
    (s) => `+${s}`,
    (s) => `-${s}`,
    (s) => `0${s}`,
    (s) => `00${s}`,
    (s) => s.toUpperCase(),
    (s) => s + s,
    (s) => `${s}.`,
    (s) => `${s}.0`,
    (s) => `${s}0`,
  ];
  return fc
    .tuple(valid, fc.nat(), fc.nat({ max: edits.length - 1 }), fc.oneof(pick('0', '9', '-', '.', ':', ' ', 'T', 'Z', '/', 'a', 'é', '😀', '\u0000'), fc.string({ unit: 'grapheme', maxLength: 2 })))
    .map(([s, at, edit, extra]) => edits[edit](s, s.length === 0 ? 0 : at % (s.length + 1), extra));
}

/** Valid values, near misses and nasty text, weighted. */
function mix(valid: fc.Arbitrary<string>, ...more: fc.Arbitrary<string>[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: valid, weight: 5 },
    { arbitrary: nearMisses(valid), weight: 3 },
    { arbitrary: pick(...NASTY), weight: 1 },
    { arbitrary: unicodeText, weight: 1 },
    ...more.map((arbitrary) => ({ arbitrary, weight: 2 })),
  );
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const integerText = fc.oneof(
  fc.integer({ min: -20, max: 20_000 }).map(String),
  fc.integer().map(String),
  fc.tuple(pick('', '-', '+', '0', '00', '-0', ' '), digits(1, 11)).map(([p, d]) => p + d),
  pick('999999999', '-999999999', '1000000000', '0000000001', '-0', '2147483648', '9223372036854775808', '10000', '10001', '0', '1', '48', '49'),
);

const amountText = fc.oneof(
  fc.tuple(pick('', '', '', '-', '+'), digits(1, 13), pick('', '.', '.5', '.05', '.50', '.123', ''), digits(0, 2)).map(([sign, units, point, frac]) => `${sign}${units}${point === '' ? '' : `${point}${frac}`.slice(0, point.length + frac.length)}`),
  fc.integer({ min: 0, max: 200_000_000 }).map((cents) => `${Math.floor(cents / 100)}.${pad(cents % 100)}`),
  pick('1000000', '1000000.00', '1000000.01', '999999.99', '999999999999.99', '99999999999.99', '0', '0.00', '-0', '-0.00', '00000000000001.5', '.5', '5.', '1,50', '1e5', '-1.00', '19.9', '0.07', '150.5'),
);

const YEARS = [0, 1, 99, 100, 999, 1000, 1582, 1899, 1900, 1969, 1970, 1971, 2000, 2024, 2099, 2100, 2101, 9999];
const year = fc.oneof(pick(...YEARS), fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1960, max: 2110 }));
const civilParts = fc.record({
  y: year,
  mo: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 12 }), weight: 8 }, { arbitrary: pick(0, 2, 13, 99), weight: 1 }),
  d: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 28 }), weight: 6 }, { arbitrary: pick(0, 29, 30, 31, 32, 99), weight: 3 }),
  h: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 23 }), weight: 8 }, { arbitrary: pick(24, 99), weight: 1 }),
  mi: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 59 }), weight: 8 }, { arbitrary: pick(60, 99), weight: 1 }),
  s: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 59 }), weight: 8 }, { arbitrary: pick(60, 99), weight: 1 }),
  frac: fc.oneof(pick(''), digits(1, 10)),
  zone: pick('', 'Z', '+00:00', '-03:00', '+05:30', '+0530', '-1200', '+14:00', '+99:99', '+03', 'z', '-00:00'),
  feb29: fc.boolean(),
});

const timestampText = fc.oneof(
  civilParts.map(({ y, mo, d, h, mi, s, frac, zone, feb29 }) => {
    const [month, day] = feb29 ? [2, 29] : [mo, d];
    const date = `${pad(y, 4)}-${pad(month)}-${pad(day)}`;
    return { date, dmy: `${pad(day)}/${pad(month)}/${pad(y, 4)}`, hm: `${pad(h)}:${pad(mi)}`, hms: `${pad(h)}:${pad(mi)}:${pad(s)}`, frac, zone };
  }).chain(({ date, dmy, hm, hms, frac, zone }) =>
    pick(
      `${date} ${hms}`,
      `${date} ${hms}${frac && `.${frac}`}`,
      date,
      `${date}T${hm}`,
      `${date}T${hm}${zone}`,
      `${date}T${hms}`,
      `${date}T${hms}${zone}`,
      `${date}T${hms}${frac && `.${frac}`}${zone}`,
      dmy,
      `${dmy} ${hm}`,
      `${dmy} ${hms}`,
      `${dmy} ${hms}${frac && `.${frac}`}`,
      `${date}  ${hms}`,
      `${date}t${hms}`,
    ),
  ),
  digits(8, 14),
  fc.integer({ min: 0, max: 4_102_444_799 }).chain((s) => pick(String(s), String(s * 1000), String(s * 1000 + 999))),
  pick('2024-02-29 10:00:00', '2023-02-29 10:00:00', '2000-02-29 00:00:00', '1900-02-29 00:00:00', '0000-02-29 00:00:00', '0001-01-01 00:00:00', '0099-12-31 23:59:59', '9999-12-31 23:59:59', '1970-01-01 00:00:00', '1969-12-31 23:59:59', '2100-01-01 00:00:00', '2099-12-31 23:59:59.999', '0000-01-01', '2024-03-10T14:20:07.5Z', '1710080407', '1710080407000', '099999999', '0000000000'),
);

/** Instants in [earliest, before) written in one of `formats` the way exports write them. */
function validTimestamps(formats: readonly DateFormat[], range: { earliest: string; before: string } = DEFAULT_DATE_RANGE): fc.Arbitrary<string> {
  const lo = dateToEpochMs(range.earliest)!;
  const hi = dateToEpochMs(range.before)! - 1;
  const instant = fc.oneof(fc.integer({ min: lo, max: hi }), fc.integer({ min: lo, max: Math.min(hi, lo + 86_400_000) }), fc.integer({ min: Math.max(lo, hi - 86_400_000), max: hi }));
  return fc.tuple(instant, fc.constantFrom(...formats), fc.nat(5), pick(0, 0, -180, 330, 840, -720)).map(([ms, format, variant, offsetMinutes]) => {
    const at = (t: number) => {
      const d = new Date(t);
      return { y: pad(d.getUTCFullYear(), 4), mo: pad(d.getUTCMonth() + 1), d: pad(d.getUTCDate()), h: pad(d.getUTCHours()), mi: pad(d.getUTCMinutes()), s: pad(d.getUTCSeconds()), ms: pad(d.getUTCMilliseconds(), 3) };
    };
    const u = at(ms);
    const fraction = [``, `.${u.ms}`, `.${u.ms.slice(0, 1)}`, `.${u.ms}999`, `.${u.ms}`, ``][variant];
    switch (format) {
      case 'ymd_hms':
        return `${u.y}-${u.mo}-${u.d} ${u.h}:${u.mi}:${u.s}${fraction}`;
      case 'iso8601': {
        const l = at(ms + offsetMinutes * 60_000);
        const zone = offsetMinutes === 0 ? pick2(variant, 'Z', '+00:00', '') : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}${variant % 2 ? ':' : ''}${pad(Math.abs(offsetMinutes) % 60)}`;
        return [`${u.y}-${u.mo}-${u.d}`, `${l.y}-${l.mo}-${l.d}T${l.h}:${l.mi}${zone}`, `${l.y}-${l.mo}-${l.d}T${l.h}:${l.mi}:${l.s}${fraction}${zone}`][variant % 3];
      }
      case 'dmy':
        return [`${u.d}/${u.mo}/${u.y}`, `${u.d}/${u.mo}/${u.y} ${u.h}:${u.mi}`, `${u.d}/${u.mo}/${u.y} ${u.h}:${u.mi}:${u.s}`][variant % 3];
      case 'epoch_s':
        return String(Math.floor(ms / 1000));
      case 'epoch_ms':
        return String(ms);
    }
  });
}

const pick2 = <T>(n: number, ...xs: T[]) => xs[n % xs.length];

const hexId = fc.stringMatching(/^[0-9a-f]{32}$/);
const zip = fc.stringMatching(/^\d{5}$/);

const letters = fc.string({ unit: fc.constantFrom(...'abcXYZ áéíóúãõçÁÉ ÑñßøÆ Ωπж中文한국어 \'.-'), minLength: 1, maxLength: 30 });
const freeText = fc.oneof(
  letters,
  fc.tuple(letters, pick('\n', '\r\n', '\r', '\t', '\n\n', '\r\r\n', '\v', '\f', '\u0000', '\u0085', '\u2028'), letters).map(([a, b, c]) => a + b + c),
  fc.tuple(pick('a', 'é', '😀', '𐐀', '1', ' ', '\n'), fc.integer({ min: 180, max: 620 })).map(([c, n]) => c.repeat(n)),
  pick('123', '12-34', '...', '😀😀', 'e\u0301', '\u0301', 'ǅ', '١٢٣', 'Rua 7\n apto 3', 'Rua 7\r\napto\t3', 'x'.repeat(5_000)),
);

const personalTextValues = mix(freeText);

const localPart = fc.oneof(fc.stringMatching(/^[a-z0-9._%+-]{1,12}$/), pick('Maria.Silva', 'ÁLVARO', 'a'.repeat(64), 'a'.repeat(65), 'é', '𐐀'.repeat(32), '𐐀'.repeat(33), 'x y', 'İstanbul'));
const domain = fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,10}(\.[a-z]{2,4}){1,2}$/), pick('example.com', 'EXAMPLE.COM.BR', 'ex..com', '.com', 'example', 'exa mple.com', 'ünï.côdé', `${'d'.repeat(190)}.com`));
const emails = fc.tuple(localPart, pick('@', '@', '@', '@@', ''), domain).map(([l, at, d]) => `${l}${at}${d}`);
const phones = fc.oneof(
  fc.tuple(pick('', '+55 ', '55', '0', '+55', '+1 '), fc.integer({ min: 0, max: 99 }), pick('9', '3', '1', ''), digits(7, 9), pick(' ', '-', '', '.')).map(([cc, area, first, rest, sep]) => `${cc}(${pad(area)}) ${first}${rest.slice(0, 4)}${sep}${rest.slice(4)}`),
  fc.tuple(pick('', '+55', '55', '0'), digits(10, 11)).map(([p, d]) => p + d),
  pick('(11) 91234-5678', '+55 11 91234 5678', '0 11 3456-7890', '11912345678', '1191234567', '(00) 91234-5678', '+55 (11) 1234-5678', '١١٩١٢٣٤٥٦٧٨', '11\u00a091234\u00a05678', '11 9123４-5678'),
);

// ---------------------------------------------------------------- cases

interface Case {
  name: string;
  def: ColumnDef;
  settings?: ContractSettings;
  values: fc.Arbitrary<string>;
}

const NO_TOKENS: ContractSettings = { nullTokens: [] };
const WIDE_RANGE = { earliest: '0000-01-01', before: '10000-01-01' };

const CASES: Case[] = [
  { name: 'text: 32-character hex id', def: text(HEX_ID), values: mix(hexId) },
  { name: 'text: five digits', def: text({ pattern: /^\d{5}$/, describe: 'five digits' }), values: mix(zip) },
  { name: 'text: any, no null tokens', def: text(), settings: NO_TOKENS, values: fc.oneof(pick(...NASTY), pick('', '', '', '', '', '')) },
  { name: 'optionalText: kept as delivered, at most 250 from settings', def: optionalText({ freeText: 'keep' }), settings: { bounds: { column: { maxLength: 250 } } }, values: mix(freeText) },
  { name: 'optionalText: normalised, at most 300', def: optionalText({ maxLength: 300, freeText: 'normalise' }), values: mix(freeText) },
  { name: 'optionalText: line breaks quarantined, custom tokens', def: optionalText({ freeText: 'quarantine' }), settings: { nullTokens: ['?', 'NIL', ''], bounds: { column: { maxLength: 250 } } }, values: mix(freeText, pick('?', 'NIL', 'nil')) },
  { name: 'oneOf: Brazilian states', def: oneOf(BRAZILIAN_STATES), values: mix(pick(...BRAZILIAN_STATES), pick('sp', 'Sp', 'S', 'SPP', 'XX')) },
  { name: 'integer: 1–10000', def: integer(1, 10_000), values: mix(integerText, integerText) },
  { name: 'integer: 0–48', def: integer(0, 48), values: mix(fc.integer({ min: -2, max: 60 }).map(String), integerText) },
  { name: 'money: default maximum', def: money(), values: mix(amountText, amountText) },
  { name: 'money: maximum 5000.50 from settings', def: money({ max: 1_000_000 }), settings: { bounds: { column: { max: 5000.5 } } }, values: mix(amountText, fc.integer({ min: 499_000, max: 501_000 }).map((c) => `${Math.floor(c / 100)}.${pad(c % 100)}`)) },
  ...DATE_FORMATS.map((format): Case => ({ name: `timestamp: ${format}`, def: timestamp(), settings: { dateFormats: [format] }, values: mix(validTimestamps([format]), timestampText) })),
  { name: 'timestamp: default formats', def: timestamp(), values: mix(validTimestamps(DEFAULT_DATE_FORMATS), timestampText) },
  { name: 'timestamp: every format, every year 0000–9999', def: timestamp(WIDE_RANGE), settings: { dateFormats: [...DATE_FORMATS] }, values: mix(validTimestamps(DATE_FORMATS, WIDE_RANGE), timestampText) },
  { name: 'optionalTimestamp: ymd_hms and dmy, range from settings', def: optionalTimestamp(), settings: { dateFormats: ['ymd_hms', 'dmy'], bounds: { column: { earliest: '2000-02-29', before: '2030-01-01' } } }, values: mix(validTimestamps(['ymd_hms', 'dmy'], { earliest: '1999-01-01', before: '2031-01-01' }), timestampText) },
  { name: 'optionalTimestamp: iso8601, every year', def: optionalTimestamp(WIDE_RANGE), settings: { dateFormats: ['iso8601'] }, values: mix(validTimestamps(['iso8601'], WIDE_RANGE), timestampText) },
  { name: 'emailAddress', def: emailAddress(), values: mix(emails, emails) },
  { name: 'phoneNumber', def: phoneNumber(), values: mix(phones, phones) },
  { name: 'personalText: line breaks normalised', def: personalText('street'), values: personalTextValues },
  { name: 'personalText: line breaks quarantined, at most 20', def: personalText('name'), settings: { freeText: { column: 'quarantine' }, bounds: { column: { maxLength: 20 } } }, values: personalTextValues },
];

describe('contracts compiled to SQL decide as zod does', function () {
  this.timeout(300_000);

  for (const [i, c] of CASES.entries()) {
    it(`${c.name} (${BATCH * BATCHES} values)`, async () => {
      const checked = await assertSameDecisions(c.def, c.settings ?? {}, c.values, 0x5eed + i);
      assert.ok(checked >= 10_000);
    });
  }
});
