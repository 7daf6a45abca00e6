/**
 * Foreign keys resolve against the day's clean rows and the members the warehouse already holds
 * (issue 13): a header-only customers or products export is an empty delta, not a stopped day,
 * while a customer nobody ever delivered is still an orphan.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { QualityInput } from '../../pipeline/gate/checkQuality';
import type { JsonReport } from '../../pipeline/gate/report/jsonReport';
import { cleanExport, hexId, writeExport, type CraftedExport } from '../helpers/craftedExport';
import { testDataDir, type TestDataDir } from '../helpers/pipeline';
import { runDay } from '../helpers/runActivities';
import { runToQualityGate } from '../helpers/qualityPipeline';
import { freshWarehouse } from '../helpers/warehouse';
import type { Warehouse } from '../../clickhouse/client';

const FIRST = '2024-03-10';
const SECOND = '2024-03-11';
const FOREIGN_KEYS = ['orders_customer_id_exists', 'orders_product_id_exists'];

describe('foreign keys against the warehouse', function () {
  this.timeout(120_000);
  let warehouse: Warehouse;
  let data: TestDataDir;

  /** The first day loads with its customers and products; the second delivers new orders only. */
  async function secondDayWithoutDimensions(change: (d: CraftedExport) => void = () => undefined) {
    warehouse = await freshWarehouse();
    data = testDataDir();
    writeExport(data.layout.landingDir(FIRST), cleanExport(FIRST));
    const first = await runDay(data.settings, warehouse, FIRST);
    assert.ok(first.loaded, `the first day loads: ${first.quality.verdict}`);

    const second = cleanExport(SECOND);
    for (const o of second.orders) o.order_id = o.order_id.replace(/^0/, '9');
    for (const p of second.payments) p.order_id = p.order_id.replace(/^0/, '9');
    second.customers = [];
    second.products = [];
    change(second);
    writeExport(data.layout.landingDir(SECOND), second);
    const gate = await runToQualityGate(data.settings, warehouse, SECOND);
    const report = JSON.parse(readFileSync(gate.quality.reportFile, 'utf8')) as JsonReport;
    return { ...gate, report };
  }

  it('orders of customers and products loaded on an earlier day resolve when the dimension files are header-only', async () => {
    const { quality } = await secondDayWithoutDimensions();
    for (const name of FOREIGN_KEYS) {
      const check = quality.checks.find((c) => c.name === name);
      assert.ok(check, `${name} was evaluated`);
      assert.equal(check.outcome, 'pass', `${name}: ${check.observed} (${check.note})`);
      assert.equal(check.observed, 0);
      assert.equal(check.note, '0 of 4 rows resolve to nothing');
    }
    assert.notEqual(quality.verdict, 'failed', JSON.stringify(quality.checks.filter((c) => c.outcome === 'fail')));
  });

  it('a customer neither the day nor the warehouse knows is still an orphan', async () => {
    const unknown = hexId('a', 99);
    const { quality, report } = await secondDayWithoutDimensions((d) => void (d.orders[3].customer_id = unknown));
    const check = quality.checks.find((c) => c.name === 'orders_customer_id_exists')!;
    assert.equal(check.outcome, 'fail');
    assert.equal(check.observed, 0.25);
    assert.equal(check.note, '1 of 4 rows resolve to nothing');
    assert.equal(quality.checks.find((c) => c.name === 'orders_product_id_exists')!.outcome, 'pass');
    assert.equal(quality.verdict, 'failed');
    const { samples } = report.checks.find((c) => c.name === 'orders_customer_id_exists')!;
    assert.deepEqual(samples.map((s) => ({ file: s.file, line: s.line, value: s.value })), [
      { file: data.layout.landingFile(SECOND, 'orders'), line: 5, value: unknown },
    ]);
  });

  it('a header-only export whose transform wrote no Parquet part at all reads as no rows', async () => {
    const { quality, activities, call } = await secondDayWithoutDimensions();
    for (const source of ['customers', 'products'] as const) {
      const dir = data.layout.pendingDir(SECOND, source);
      for (const part of readdirSync(dir)) rmSync(path.join(dir, part));
    }
    const none = { rowsRead: 0, rowsQuarantined: 0, duplicatesRemoved: 0 };
    const counts: QualityInput['counts'] = { customers: none, products: none, orders: { ...none, rowsRead: 4 }, payments: { ...none, rowsRead: 4 } };
    const again = await call(activities.checkQuality, { businessDate: SECOND, counts });
    const measured = (checks: typeof quality.checks) => checks.filter((c) => !['quarantined_share', 'duplicate_share', 'volume', 'business_rule', 'schema_drift'].includes(c.kind)).map((c) => `${c.name}: ${c.outcome} ${c.observed} ${c.note}`);
    assert.deepEqual(measured(again.checks), measured(quality.checks));
    assert.equal(again.checks.find((c) => c.name === 'customers_key_unique')!.note, '0 of 0 rows repeat a key');
    assert.equal(again.checks.find((c) => c.name === 'orders_customer_id_exists')!.note, '0 of 4 rows resolve to nothing');
  });

  it('a re-run of a day does not resolve keys against what its own earlier run loaded', async () => {
    warehouse = await freshWarehouse();
    data = testDataDir();
    const day = cleanExport(FIRST);
    writeExport(data.layout.landingDir(FIRST), day);
    assert.ok((await runDay(data.settings, warehouse, FIRST)).loaded, 'the day loads');
    // The corrected export drops the third customer, whose order stays: the earlier load of the
    // same business date is being replaced, so it vouches for nothing.
    day.customers = day.customers.filter((c) => c.customer_id !== hexId('c', 3));
    writeExport(data.layout.landingDir(FIRST), day);
    const { quality } = await runToQualityGate(data.settings, warehouse, FIRST);
    const check = quality.checks.find((c) => c.name === 'orders_customer_id_exists')!;
    assert.equal(check.note, '1 of 4 rows resolve to nothing');
    assert.equal(check.outcome, 'fail');
  });
});
