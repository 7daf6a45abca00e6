/** Property-based tests (fast-check): date parsing, deduplication and conservation. */
import fc from 'fast-check';
import { strict as assert } from 'node:assert';
import type { TypedRow } from '../../domain/contracts';
import { daysFromCivil, parseTimestamp } from '../../domain/contracts/timestamps';
import { Deduplicator, rowKey } from '../../pipeline/clean/deduplicate';
import { id, ingestAndTransform, land } from '../helpers/sourceFiles';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
// Whole seconds between 1970 and 2099: every format below can express them.
const instants = fc.integer({ min: 0, max: 4_102_444_799 }).map((s) => s * 1000);

describe('properties', () => {
  describe('date parsing', () => {
    it('every accepted format of an instant parses back to that instant', () => {
      fc.assert(
        fc.property(instants, fc.integer({ min: -14, max: 14 }), (ms, offsetHours) => {
          const d = new Date(ms);
          const ymd = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
          const hms = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
          const local = new Date(ms + offsetHours * 3_600_000);
          const zone = `${offsetHours < 0 ? '-' : '+'}${pad(Math.abs(offsetHours))}:00`;
          const withOffset = `${local.toISOString().slice(0, 19)}${zone}`;
          assert.equal(parseTimestamp(`${ymd} ${hms}`, ['ymd_hms']), ms);
          assert.equal(parseTimestamp(`${ymd}T${hms}Z`, ['iso8601']), ms);
          assert.equal(parseTimestamp(withOffset, ['iso8601']), ms);
          assert.equal(parseTimestamp(`${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${hms}`, ['dmy']), ms);
          assert.equal(parseTimestamp(String(ms), ['epoch_ms']), ms >= 1e11 ? ms : undefined);
        }),
        { numRuns: 2000 },
      );
    });

    it('refuses every day a month does not have', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1970, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, m, day) => {
          const real = new Date(Date.UTC(y, m - 1, day)).getUTCMonth() === m - 1;
          const parsed = parseTimestamp(`${y}-${pad(m)}-${pad(day)} 00:00:00`, ['ymd_hms']);
          assert.equal(parsed !== undefined, real);
        }),
        { numRuns: 2000 },
      );
    });

    it('reads every year 0000–9999 exactly: no two-digit-year pivot (issue 13: 0001 became 1901)', () => {
      // An independent calendar: setUTCFullYear takes years 0–99 literally, unlike Date.UTC.
      const oracle = (y: number, m: number, day: number, h: number, mi: number, sec: number) => {
        const d = new Date(0);
        d.setUTCFullYear(y, m - 1, day);
        d.setUTCHours(h, mi, sec, 0);
        return d.getTime();
      };
      const years = fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1, 99, 100, 1899, 1900, 1969, 2000, 9999));
      fc.assert(
        fc.property(years, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 86_399 }), (y, m, day, s) => {
          const [h, mi, sec] = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60];
          const expected = oracle(y, m, day, h, mi, sec);
          assert.equal(daysFromCivil(y, m, day) * 86_400_000, oracle(y, m, day, 0, 0, 0));
          assert.equal(parseTimestamp(`${pad(y, 4)}-${pad(m)}-${pad(day)} ${pad(h)}:${pad(mi)}:${pad(sec)}`, ['ymd_hms']), expected);
          assert.equal(parseTimestamp(`${pad(day)}/${pad(m)}/${pad(y, 4)} ${pad(h)}:${pad(mi)}:${pad(sec)}`, ['dmy']), expected);
          assert.equal(parseTimestamp(`${pad(y, 4)}-${pad(m)}-${pad(day)}T${pad(h)}:${pad(mi)}:${pad(sec)}Z`, ['iso8601']), expected);
        }),
        { numRuns: 3000 },
      );
      assert.equal(parseTimestamp('0001-01-01 00:00:00', ['ymd_hms']), -62135596800000);
      assert.equal(parseTimestamp('0000-02-29 00:00:00', ['ymd_hms']), oracle(0, 2, 29, 0, 0, 0), 'year 0 is a leap year');
    });

    it('never depends on the process time zone', () => {
      const saved = process.env.TZ;
      try {
        const results = ['UTC', 'America/Sao_Paulo', 'Asia/Kolkata'].map((tz) => {
          process.env.TZ = tz;
          return parseTimestamp('2024-03-10 13:00:00');
        });
        assert.deepEqual(new Set(results), new Set([Date.UTC(2024, 2, 10, 13)]));
      } finally {
        process.env.TZ = saved;
      }
    });
  });

  describe('deduplication', () => {
    const rowsArb = fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), updated: fc.integer({ min: 0, max: 5 }) }), { maxLength: 60 });

    it('keeps, per key, the row with the latest timestamp and, among those, the last line', () => {
      fc.assert(
        fc.property(rowsArb, (drawn) => {
          const rows: TypedRow[] = drawn.map((r, i) => ({ k: r.key, updated: r.updated, source_line: i + 2 }));
          const dedup = new Deduplicator(['k'], 'updated');
          rows.forEach((r) => dedup.add({ ...r }));
          const expected = new Map<string, TypedRow>();
          for (const r of rows) {
            const best = expected.get(String(r.k));
            if (!best || Number(r.updated) > Number(best.updated) || (r.updated === best.updated && Number(r.source_line) > Number(best.source_line))) expected.set(String(r.k), r);
          }
          assert.deepEqual(dedup.rows().map((r) => r.source_line), [...expected.values()].map((r) => r.source_line).sort((a, b) => Number(a) - Number(b)));
          assert.equal(dedup.duplicatesRemoved, rows.length - expected.size);
        }),
        { numRuns: 1000 },
      );
    });

    it('composite keys do not collide when values contain the separator of another key', () => {
      assert.notEqual(rowKey({ a: 'x', b: 'y,z' }, ['a', 'b']), rowKey({ a: 'x,y', b: 'z' }, ['a', 'b']));
    });
  });

  describe('conservation', () => {
    const HEADER = 'customer_id,customer_unique_id,customer_zip_code_prefix,customer_city,customer_state,updated_at';
    const line = fc.oneof(
      // valid rows over a small key space, so duplicates happen
      fc.record({ k: fc.constantFrom('a', 'b', 'c', 'd', 'e', '1', '2'), city: fc.constantFrom('', 'rio', 'são paulo', 'a,b', 'x"y'), h: fc.integer({ min: 0, max: 23 }) })
        .map(({ k, city, h }) => `${id(k)},${id('f')},13000,${/[",]/.test(city) ? `"${city.replace(/"/g, '""')}"` : city},SP,2024-03-10 ${pad(h)}:00:00`),
      // mutations: bad enum, bad date, missing field, extra field, garbage
      fc.constantFrom(`${id('a')},${id('f')},13000,rio,ZZ,2024-03-10 10:00:00`, `${id('a')},${id('f')},13000,rio,SP,2024-02-30 10:00:00`, `${id('a')},${id('f')},13000,rio`, `${id('a')},${id('f')},13000,rio,SP,2024-03-10 10:00:00,extra`, 'garbage'),
    );

    it('read = staged + quarantined + deduplicated + dropped, for any mix of rows', async function () {
      // Each run is an ingest and a transform in the engine (about a CPU-second of query planning).
      this.timeout(600_000);
      await fc.assert(
        fc.asyncProperty(fc.array(line, { maxLength: 40 }), fc.boolean(), async (lines, dropMissingCity) => {
          const layout = land('customers', `${HEADER}\n${lines.join('\n')}\n`);
          const settings = dropMissingCity ? { nullStrategies: { customer_city: { strategy: 'drop_row' as const } } } : {};
          const { ingested, transformed, rows } = await ingestAndTransform(layout, 'customers', settings);
          assert.equal(ingested.rowsRead, lines.length);
          assert.equal(ingested.rowsRead, rows.length + ingested.rowsQuarantined + transformed.rowsQuarantined + transformed.duplicatesRemoved + transformed.rowsDropped);
        }),
        { numRuns: 40 },
      );
    });
  });
});
