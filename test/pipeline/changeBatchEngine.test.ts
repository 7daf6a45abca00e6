/**
 * A change batch in the engine: the decisions SQL (pipeline/changes/changeDecisions.ts) against
 * the rule stated in TypeScript (classifyChanges.ts) on generated keys with generated loaded
 * versions; the change contract's updated_at, zod and SQL alike; and the one listing of the rows a
 * batch did not apply (contract, business rule, key not loaded), which can be landed again.
 */
import fc from 'fast-check';
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { decisionsSql, monthsToRebuildSql, notLoadedReason, SAME_VERSION_REASON } from '../../pipeline/changes/changeDecisions';
import { classifyChanges, type LoadedVersion } from '../../pipeline/changes/classifyChanges';
import type { TypedRow } from '../../domain/contracts';
import { changeFileColumns, changeRowSchema } from '../../domain/contracts/changes';
import type { Warehouse } from '../../clickhouse/client';
import { generateChangeBatch } from '../../ops/generate/changedRows';
import { applyChanges, readCsv, writeChangeFile } from '../helpers/changeBatches';
import { testDataDir } from '../helpers/pipeline';
import { runDay } from '../helpers/runActivities';
import { tempDir } from '../helpers/tempDirs';
import { freshWarehouse, rows } from '../helpers/warehouse';

const BATCH = '20240510T090000Z';
const OTHER_BATCHES = ['20240501T000000Z', BATCH, '20240512T090000Z-late'];
const DATES = ['2024-03-10', '2024-03-11', '2024-04-02', '2024-05-03'];

interface Case {
  /** The change row's updated_at (epoch ms). */
  updatedAt: number;
  versions: LoadedVersion[];
}

const version: fc.Arbitrary<Omit<LoadedVersion, 'businessDate'>> = fc.oneof(
  fc.constant({ updatedAt: null, batch: '' }), // a daily export's row
  fc.record({ updatedAt: fc.constantFrom(1, 5, 6, 10), batch: fc.constantFrom(...OTHER_BATCHES) }),
);
const versionsOfKey = fc.uniqueArray(fc.constantFrom(...DATES), { maxLength: 3 }).chain((dates) =>
  fc.tuple(...dates.map(() => version)).map((vs) => vs.map((v, i) => ({ ...v, businessDate: dates[i] }))),
);
const cases = fc.array(fc.record({ updatedAt: fc.constantFrom(1, 5, 6, 10), versions: versionsOfKey }), { minLength: 1, maxLength: 25 });

/** Each case is one key (order o<i>, line 1) on source line i + 2: its loaded versions in fact_sales, its change row in a Parquet part. */
async function decideInEngine(warehouse: Warehouse, dir: string, batch: Case[], run: number) {
  await warehouse.client.command({ query: 'TRUNCATE TABLE fact_sales' });
  const facts = batch.flatMap((c, i) => c.versions.map((v) => ({
    business_date: v.businessDate, order_id: `o${i}`, order_item_id: 1, updated_at: v.updatedAt ?? 0, change_batch: v.batch,
  })));
  if (facts.length > 0) {
    await warehouse.client.insert({ table: 'fact_sales', values: facts, format: 'JSONEachRow', columns: ['business_date', 'order_id', 'order_item_id', 'updated_at', 'change_batch'] });
  }
  const changes = path.join(dir, `clean-${run}.parquet`);
  await warehouse.client.command({
    query: `INSERT INTO FUNCTION file({out:String}, Parquet)
      SELECT t.1 AS order_id, toInt32(1) AS order_item_id, CAST(fromUnixTimestamp64Milli(t.2, 'UTC') AS Nullable(DateTime64(3, 'UTC'))) AS updated_at, toInt32(t.3) AS source_line
      FROM (SELECT arrayJoin(arrayZip({ids:Array(String)}, {updated:Array(Int64)}, {lines:Array(Int32)})) AS t)`,
    query_params: { out: changes, ids: batch.map((_, i) => `o${i}`), updated: batch.map((c) => c.updatedAt), lines: batch.map((_, i) => i + 2) },
  });
  const decisions = path.join(dir, `decisions-${run}.parquet`);
  await warehouse.client.command({
    query: decisionsSql('orders'),
    query_params: { changes, decisions, batch: BATCH, notLoaded: notLoadedReason('orders'), sameVersion: SAME_VERSION_REASON },
  });
  const pairs = await rows<{ source_line: number; day: string | null; order: number | null; verdict: string; reason: string; nth: number }>(warehouse,
    'SELECT source_line, _day AS day, _order AS order, _verdict AS verdict, _reason AS reason, _nth AS nth FROM file({decisions:String}, Parquet)', { decisions });
  const months = await rows<{ month: number; business_date: string; rows_applied: number }>(warehouse, monthsToRebuildSql(), { decisions });
  return { pairs, months };
}

describe('change batch decisions in the engine', function () {
  this.timeout(300_000);

  it('decide what the TypeScript rule decides: staged dates, verdicts, reasons, months to rebuild', async () => {
    const warehouse = await freshWarehouse();
    const dir = tempDir('change-decisions');
    let run = 0;
    let seen = { applied: 0, already: 0, notLoaded: 0, superseded: 0 };
    await fc.assert(
      fc.asyncProperty(cases, async (batch) => {
        run += 1;
        const changeRows: TypedRow[] = batch.map((c, i) => ({ order_id: `o${i}`, order_item_id: 1, updated_at: c.updatedAt, source_line: i + 2 }));
        const expected = classifyChanges(changeRows, (row) => batch[Number(row.source_line) - 2].versions, BATCH);
        const { pairs, months } = await decideInEngine(warehouse, dir, batch, run);

        const staged = (list: { line: number; day: string }[]) => list.map((p) => `${p.line}/${p.day}`).sort();
        assert.deepEqual(
          staged(pairs.filter((p) => p.order !== null && p.order >= 0).map((p) => ({ line: p.source_line, day: p.day! }))),
          staged(expected.staged.map((r) => ({ line: Number(r.source_line), day: String(r.business_date) }))),
          'rows staged, each under the business date of a version',
        );
        const verdicts = new Map(pairs.filter((p) => p.nth === 1).map((p) => [p.source_line, p]));
        assert.equal(verdicts.size, batch.length, 'one verdict per row');
        const notLoaded = new Set(expected.notLoaded.map((r) => Number(r.source_line)));
        const already = new Map(expected.alreadyApplied.map(({ row, reason }) => [Number(row.source_line), reason]));
        for (const [line, decided] of verdicts) {
          const verdict = notLoaded.has(line) ? 'not loaded' : already.has(line) ? 'already applied' : 'applied';
          assert.equal(decided.verdict, verdict, `line ${line}`);
          if (verdict === 'already applied') assert.equal(decided.reason, already.get(line));
          if (verdict === 'not loaded') assert.equal(decided.reason, notLoadedReason('orders'));
          if (verdict === 'applied') assert.equal(decided.reason, '');
        }
        assert.equal([...verdicts.values()].filter((v) => v.verdict === 'applied').length, expected.applied);
        assert.deepEqual(
          months.map((m) => [Number(m.month), m.business_date, Number(m.rows_applied)]),
          [...expected.months].sort((a, b) => a[0] - b[0]).map(([month, date]) => [month, date, expected.appliedByMonth.get(month)]),
          'months to rebuild, their earliest business date and applied rows',
        );
        seen = {
          applied: seen.applied + expected.applied,
          already: seen.already + already.size,
          notLoaded: seen.notLoaded + notLoaded.size,
          superseded: seen.superseded + [...already.values()].filter((r) => r.startsWith('not newer')).length,
        };
      }),
      { numRuns: 30, seed: 20240510 },
    );
    // The generated cases reach every verdict and both reasons for an already applied row.
    assert.ok(seen.applied > 0 && seen.already > seen.superseded && seen.superseded > 0 && seen.notLoaded > 0, JSON.stringify(seen));
  });

  it('updated_at: zod and SQL refuse the same values with the same reason, and accept the same instant', async () => {
    const warehouse = await freshWarehouse();
    const column = changeFileColumns('orders').find((c) => c.name === 'updated_at')!;
    const schema = changeRowSchema('orders').shape.updated_at;
    const values = ['2024-05-01 00:00:00', '2024-05-01T10:00:00.123Z', '1970-01-01 00:00:00', '1970-01-01T00:00:00Z', '1970-01-01 00:00:01', '1969-12-31 23:59:59', '', 'NULL', 'yesterday', '2100-01-01 00:00:00', '0'];
    const { value, reason } = column.sql!('raw');
    const decided = await rows<{ value: number | string; reason: string }>(warehouse,
      `SELECT ${value} AS value, ${reason} AS reason FROM (SELECT arrayJoin({vs:Array(String)}) AS raw)`, { vs: values });
    values.forEach((raw, i) => {
      const parsed = schema.safeParse(raw);
      if (parsed.success) {
        assert.equal(decided[i].reason, '', raw);
        assert.equal(Number(decided[i].value), parsed.data, raw);
      } else {
        assert.equal(parsed.error.issues.length, 1, `${raw}: one issue, as the SQL gives one reason`);
        assert.equal(decided[i].reason, parsed.error.issues[0].message, raw);
      }
    });
    assert.equal(decided[2].reason, 'must be after 1970-01-01 00:00:00 UTC', 'the epoch itself is the version of an exported row');
  });

  it('lists every row not applied in one file, in order: contract, business rule, key not loaded; the listing lands again as it is', async () => {
    const data = testDataDir();
    const day = '2024-04-02';
    await data.generate(day, 40);
    const warehouse = await freshWarehouse();
    assert.ok((await runDay(data.settings, warehouse, day)).loaded, 'the day is loaded');
    const batch = '20240601T000000Z';
    const generated = generateChangeBatch({ batchId: batch, fromDates: [day], dataDir: data.settings.dataDir, orders: 3, payments: 0, seed: 4 });
    const changed = readCsv(generated.files.orders!);
    writeChangeFile(data.layout, batch, 'orders', [
      ...changed,
      { ...changed[0], order_id: 'e'.repeat(32) }, // not loaded
      { ...changed[1], order_delivered_customer_date: '2024-03-01 00:00:00', order_status: 'delivered' }, // delivered before purchase: a quarantining rule
      { ...changed[2], order_status: 'lost' }, // refused by the contract
    ]);
    // The rule-breaking row repeats changed[1]'s key with the same updated_at on a later line: it wins the dedup.
    const staged = await applyChanges(data.settings, warehouse, batch);
    const orders = staged.sources[0];
    assert.deepEqual(
      [orders.rowsRead, orders.rowsApplied, orders.rowsAlreadyApplied, orders.rowsQuarantined, orders.rowsDuplicate, orders.rowsDropped],
      [changed.length + 3, changed.length - 1, 0, 3, 1, 0],
      'read = applied + already applied + quarantined + duplicates + dropped',
    );
    const listed = readCsv(orders.quarantineFile);
    assert.deepEqual(listed.map((r) => [r._line, r._column, r._reason.split(':')[0]]), [
      [String(changed.length + 4), 'order_status', 'must be one of created, approved, invoiced, processing, shipped, delivered, canceled, unavailable'],
      [String(changed.length + 3), '', 'business rule delivery_not_before_purchase'],
      [String(changed.length + 2), '', 'not in the warehouse'],
    ]);
    assert.equal(listed[1].order_delivered_customer_date, '2024-03-01T00:00:00.000Z', 'a typed row is listed as text the contract reads again');
    assert.equal(listed[1].updated_at, `${changed[1].updated_at.replace(' ', 'T')}.000Z`);

    // The listing, landed as the file of a new batch, is read again (its `_` columns are ignored) and refused again.
    const again = '20240602T000000Z';
    mkdirSync(data.layout.changeBatchDir(again), { recursive: true });
    copyFileSync(orders.quarantineFile, data.layout.changeBatchFile(again, 'orders'));
    const relanded = (await applyChanges(data.settings, warehouse, again)).sources[0];
    assert.deepEqual([relanded.rowsRead, relanded.rowsApplied, relanded.rowsQuarantined], [3, 0, 3]);
    assert.deepEqual(readCsv(relanded.quarantineFile).map((r) => r._reason.split(':')[0]), listed.map((r) => r._reason.split(':')[0]));
  });
});
