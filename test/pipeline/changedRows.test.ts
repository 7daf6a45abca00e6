/**
 * Changed rows (issue 6) with the real activities on the embedded warehouse: a change batch is merged
 * into the staged months and rebuilds only the partitions it touches (asserted on system.parts), its
 * values are visible, day counts do not move, applying it again changes nothing, a day re-run keeps
 * the changes, every row is accounted for, and batches applied out of order give the same warehouse.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createActivities } from '../../activities';
import type { TypedRow } from '../../domain/contracts';
import { classifyChanges, compareVersions } from '../../pipeline/changes/classifyChanges';
import { BUILT_TABLES } from '../../pipeline/build/warehouseTables';
import type { Warehouse } from '../../clickhouse/client';
import { generateChangeBatch } from '../../ops/generate/changedRows';
import { applyChanges, nullSafeChecksums, partitionFingerprints, readCsv, writeChangeFile, type CsvRow } from '../helpers/changeBatches';
import { testDataDir, type TestDataDir } from '../helpers/pipeline';
import { runDay } from '../helpers/runActivities';
import { LOADED_TABLES, rebuildDrift } from '../helpers/starSchema';
import { tempDir } from '../helpers/tempDirs';
import { freshWarehouse, rows, scalar } from '../helpers/warehouse';

const MAR = '2024-03-10';
const APR = '2024-04-02';
const MAY = '2024-05-03';
const B1 = '20240510T090000Z';
const B2 = '20240512T090000Z-late-fixes';
const MONTH_TABLES = BUILT_TABLES.filter((t) => t.scope === 'month').map((t) => t.table);

async function loadDays(data: TestDataDir, warehouse: Warehouse): Promise<void> {
  for (const day of [MAR, APR, MAY]) {
    const { loaded } = await runDay(data.settings, warehouse, day);
    assert.ok(loaded, `${day} loaded`);
  }
}

/** Rows per business date in both facts: a change replaces, never adds. */
function dayCounts(warehouse: Warehouse) {
  return rows(warehouse, `
    SELECT * FROM (
      SELECT 'sales' AS fact, toString(business_date) AS day, count() AS n FROM fact_sales GROUP BY day
      UNION ALL SELECT 'payments' AS fact, toString(business_date) AS day, count() AS n FROM fact_payments GROUP BY day)
    ORDER BY fact, day`);
}

/** The loaded version of an order line, as the warehouse shows it. */
async function loadedLine(warehouse: Warehouse, line: CsvRow) {
  const [found] = await rows<{ order_status: string; delivered: string | null; updated: string | null; change_batch: string; n: number | string }>(warehouse, `
    SELECT any(order_status) AS order_status, any(toString(delivered_at)) AS delivered, any(toString(updated_at)) AS updated, any(change_batch) AS change_batch, count() AS n
    FROM fact_sales WHERE order_id = {order:String} AND order_item_id = {item:UInt16}`, { order: line.order_id, item: Number(line.order_item_id) });
  return found;
}

const asLoaded = (text: string) => (text === '' ? null : `${text}.000`);

describe('changed rows: change batches merged into the staged months', function () {
  this.timeout(300_000);

  it('rebuilds only the touched month, shows the changes, keeps day counts, and applying again is a no-op', async () => {
    const data = testDataDir();
    for (const day of [MAR, APR, MAY]) await data.generate(day, 100, 0.002);
    const warehouse = await freshWarehouse();
    await loadDays(data, warehouse);
    const counts = await dayCounts(warehouse);
    const before = await partitionFingerprints(warehouse, MONTH_TABLES);
    assert.deepEqual(Object.keys(before).filter((p) => p.startsWith('fact_sales/')), ['fact_sales/202403', 'fact_sales/202404', 'fact_sales/202405']);
    const aprilLoaded = await scalar(warehouse, 'SELECT count() FROM fact_sales WHERE business_date = {d:Date}', { d: APR });

    // A generated batch of April changes, plus three rows that must not be applied: a line the
    // warehouse never loaded, an older duplicate of a changed line, and an unreadable updated_at.
    const generated = generateChangeBatch({ batchId: B1, fromDates: [APR], dataDir: data.settings.dataDir, orders: 6, payments: 4, seed: 11 });
    const changed = readCsv(generated.files.orders!);
    const payments = readCsv(generated.files.payments!);
    assert.ok(changed.length >= 6 && payments.length === 4);
    writeChangeFile(data.layout, B1, 'orders', [
      ...changed,
      { ...changed[0], order_id: 'f'.repeat(32) },
      { ...changed[0], order_status: 'created', updated_at: '2024-05-01 00:00:00' },
      { ...changed[1], updated_at: 'yesterday' },
    ]);

    const first = await applyChanges(data.settings, warehouse, B1);
    assert.deepEqual(first.months.map((m) => m.month), [202404], 'only April holds applied rows');
    const orders = first.sources.find((s) => s.source === 'orders')!;
    assert.deepEqual(
      [orders.rowsRead, orders.rowsApplied, orders.rowsAlreadyApplied, orders.rowsQuarantined, orders.rowsDuplicate, orders.rowsDropped],
      [changed.length + 3, changed.length, 0, 2, 1, 0],
      'read = applied + already applied + quarantined + duplicates + dropped',
    );
    const quarantined = readCsv(orders.quarantineFile);
    assert.deepEqual(quarantined.map((r) => r._column).sort(), ['', 'updated_at']);
    assert.match(quarantined.find((r) => r._column === '')!._reason, /not in the warehouse: no loaded order line has this order_id and order_item_id\. Load the day it was exported on first/);
    assert.match(quarantined.find((r) => r._column === 'updated_at')!._file, /landing\/changes\/20240510T090000Z\/orders\.csv$/);
    assert.equal(first.sources.find((s) => s.source === 'payments')!.rowsApplied, 4);

    // Only April's partitions changed: every other month of every month-partitioned table is intact.
    const after = await partitionFingerprints(warehouse, MONTH_TABLES);
    for (const [partition, fingerprint] of Object.entries(before)) {
      if (partition.endsWith('/202404')) continue;
      assert.equal(after[partition], fingerprint, `${partition} was not rebuilt`);
    }
    assert.notEqual(after['fact_sales/202404'], before['fact_sales/202404'], 'April was rebuilt');
    assert.notEqual(after['fact_payments/202404'], before['fact_payments/202404']);

    // The changes are visible, one row per line, and no day gained or lost a row.
    for (const line of changed) {
      assert.deepEqual(await loadedLine(warehouse, line), {
        order_status: line.order_status, delivered: asLoaded(line.order_delivered_customer_date), updated: `${line.updated_at}.000`, change_batch: B1, n: 1,
      });
    }
    for (const payment of payments) {
      const installments = await scalar(warehouse, 'SELECT any(installments) FROM fact_payments WHERE order_id = {o:String} AND payment_sequential = {s:UInt16}', { o: payment.order_id, s: Number(payment.payment_sequential) });
      assert.equal(installments, Number(payment.payment_installments));
    }
    assert.deepEqual(await dayCounts(warehouse), counts, 'a change replaces a row, never adds one');
    assert.deepEqual(await rebuildDrift(warehouse), [], 'aggregates and dimensions equal a rebuild from the changed facts');

    // Recorded: a run of kind incremental whose counts add up, the audit, the watermark read back from the facts.
    const [run] = await rows<{ kind: string; status: string; message: string }>(warehouse, "SELECT kind, status, message FROM etl_runs FINAL WHERE workflow_id = {w:String}", { w: `changes-${B1}` });
    assert.deepEqual([run.kind, run.status], ['incremental', 'succeeded']);
    assert.match(run.message, /orders read \d+ = applied \d+ \+ already applied 0 \+ quarantined 2 \+ duplicates 1 \+ dropped 0/);
    assert.equal(await scalar(warehouse, "SELECT count() FROM audit_log FINAL WHERE workflow_id = {w:String} AND action = 'load'", { w: `changes-${B1}` }), 1);
    const newest = changed.map((l) => l.updated_at).sort().at(-1);
    const [mark] = await rows<{ watermark: string; rows_applied: number | string }>(warehouse, "SELECT toString(watermark) AS watermark, rows_applied FROM change_watermarks FINAL WHERE source = 'orders' AND batch_id = {b:String}", { b: B1 });
    assert.deepEqual([mark.watermark, Number(mark.rows_applied)], [`${newest}.000`, changed.length]);

    // Applying the same batch again: nothing newer, nothing rebuilt, nothing changed.
    const sums = await nullSafeChecksums(warehouse, LOADED_TABLES);
    const again = await applyChanges(data.settings, warehouse, B1);
    assert.deepEqual(again.months, []);
    const ordersAgain = again.sources.find((s) => s.source === 'orders')!;
    assert.deepEqual([ordersAgain.rowsApplied, ordersAgain.rowsAlreadyApplied], [0, changed.length]);
    assert.match(readCsv(ordersAgain.alreadyAppliedFile)[0]._reason, /already applied by this batch/);
    assert.deepEqual(await partitionFingerprints(warehouse, MONTH_TABLES), after, 'no partition rebuilt');
    assert.deepEqual(await nullSafeChecksums(warehouse, LOADED_TABLES), sums, 'every table identical');

    // Re-running the day keeps the changed values and the day's count (the staged month holds both).
    const { loaded } = await runDay(data.settings, warehouse, APR);
    assert.equal(loaded!.rowsLoaded.orders, aprilLoaded);
    assert.deepEqual(await nullSafeChecksums(warehouse, LOADED_TABLES), sums, 'the re-run day rebuilds the same April');
  });

  it('converges to the same warehouse whatever order the batches are applied in', async () => {
    const built: Record<string, string>[] = [];
    for (const order of [[B1, B2], [B2, B1]]) {
      const data = testDataDir();
      for (const day of [MAR, APR, MAY]) await data.generate(day, 100, 0.002);
      const warehouse = await freshWarehouse();
      await loadDays(data, warehouse);
      landOverlappingBatches(data);
      for (const batch of order) await applyChanges(data.settings, warehouse, batch);
      assert.deepEqual(await rebuildDrift(warehouse), []);
      built.push(await nullSafeChecksums(warehouse, LOADED_TABLES));
    }
    assert.ok(!built[0].fact_sales.startsWith('0:'));
    assert.deepEqual(built[1], built[0], 'out of order gives the same tables as in order');
  });

  it('refuses a change file whose header is not the contract, naming it, with nothing staged', async () => {
    const data = testDataDir();
    await data.generate(APR, 40);
    const warehouse = await freshWarehouse();
    await runDay(data.settings, warehouse, APR);
    const batch = '20240601T000000Z';
    const generated = generateChangeBatch({ batchId: batch, fromDates: [APR], dataDir: data.settings.dataDir, orders: 2, payments: 0, seed: 3 });
    // The same rows without their last column, updated_at (no field holds a comma).
    const file = generated.files.orders!;
    writeFileSync(file, readFileSync(file, 'utf8').split('\n').map((line) => line.split(',').slice(0, -1).join(',')).join('\n'));
    await assert.rejects(applyChanges(data.settings, warehouse, batch), (error: Error) => {
      assert.match(error.message, /landing\/changes\/20240601T000000Z\/orders\.csv line 1: header does not match the orders change contract .*missing columns: updated_at/);
      return true;
    });
    const staged = path.join(data.settings.dataDir, 'staging', 'orders', 'year=2024', 'month=04');
    assert.deepEqual(readdirSync(staged).filter((name) => name.startsWith('changes=')), []);
    assert.ok(!existsSync(data.layout.changeWorkDir(batch)));
  });

  it('detects new batches by content hash; a folder or file linked out of the data folder is refused on its own', async () => {
    const data = testDataDir();
    await data.generate(APR, 40);
    const warehouse = await freshWarehouse();
    const activities = createActivities({ settings: data.settings, warehouse });
    const outside = tempDir('outside');
    writeFileSync(path.join(outside, 'orders.csv'), 'secret\n');
    generateChangeBatch({ batchId: B1, fromDates: [APR], dataDir: data.settings.dataDir, orders: 2, payments: 1, seed: 1 });
    symlinkSync(outside, path.join(data.layout.changesLandingDir(), '20240511T000000Z'));
    mkdirSync(data.layout.changeBatchDir('20240512T000000Z'));
    symlinkSync(path.join(outside, 'orders.csv'), data.layout.changeBatchFile('20240512T000000Z', 'orders'));
    const detected = await activities.detectChangeBatches(10);
    assert.deepEqual(detected.batches.map((b) => [b.batchId, b.batchDate, b.files.map((f) => f.name)]), [[B1, '2024-05-10', ['orders.csv', 'payments.csv']]]);
    assert.deepEqual(detected.refused.map((r) => r.folder), ['20240511T000000Z', '20240512T000000Z']);
    for (const { reason } of detected.refused) assert.match(reason, /leaves the data folder .* through a symbolic link; refused/);
    await activities.recordChangeManifest({ batchId: B1, files: detected.batches[0].files, outcome: 'succeeded' });
    assert.deepEqual((await activities.detectChangeBatches(10)).batches, [], 'recorded content is not new');
  });

  it('compares versions by updated_at, then batch id; a daily export row is older than any change', () => {
    const exported = { updatedAt: null, batch: '' };
    assert.ok(compareVersions({ updatedAt: 0, batch: B1 }, exported) > 0);
    assert.ok(compareVersions({ updatedAt: 5, batch: B1 }, { updatedAt: 6, batch: B2 }) < 0);
    assert.ok(compareVersions({ updatedAt: 6, batch: B2 }, { updatedAt: 6, batch: B1 }) > 0);
    assert.equal(compareVersions({ updatedAt: 6, batch: B1 }, { updatedAt: 6, batch: B1 }), 0);
    const row = (updated: number): TypedRow => ({ order_id: 'a', order_item_id: 1, updated_at: updated });
    const versions = [{ businessDate: '2024-03-10', updatedAt: null, batch: '' }, { businessDate: '2024-04-02', updatedAt: 10, batch: B2 }];
    const result = classifyChanges([row(5)], () => versions, B1);
    // Newer than the March export row, older than April's loaded change: only March changes.
    assert.deepEqual([result.applied, [...result.months]], [1, [[202403, '2024-03-10']]]);
    assert.deepEqual(result.staged.map((r) => r.business_date), ['2024-03-10']);
  });
});

/**
 * Two batches over the same April lines: B2 (later id) is newer for some lines, older for one (B1's
 * row carries the later updated_at) and equal for one (the later batch id wins); each also changes
 * lines of its own, B2 in March.
 */
function landOverlappingBatches(data: TestDataDir): void {
  const base = generateChangeBatch({ batchId: B1, fromDates: [APR], dataDir: data.settings.dataDir, orders: 5, payments: 2, seed: 5 });
  const b1 = readCsv(base.files.orders!);
  const lines = b1.slice(0, 3);
  const b2 = [
    { ...lines[0], order_status: 'canceled', order_delivered_customer_date: '', updated_at: '2024-05-12 08:00:00' },
    { ...lines[1], order_status: 'shipped', order_delivered_customer_date: '', updated_at: '2024-05-01 00:00:00' },
    { ...lines[2], order_delivered_customer_date: '2024-05-30 10:00:00', order_status: 'delivered' },
  ];
  writeChangeFile(data.layout, B1, 'orders', [...b1.slice(0, 1), { ...lines[1], updated_at: '2024-05-11 00:00:00' }, ...b1.slice(2)]);
  const march = generateChangeBatch({ batchId: B2, fromDates: [MAR], dataDir: data.settings.dataDir, orders: 3, payments: 2, seed: 6 });
  writeChangeFile(data.layout, B2, 'orders', [...b2, ...readCsv(march.files.orders!)]);
}
