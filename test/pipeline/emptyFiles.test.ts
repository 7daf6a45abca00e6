/**
 * Header-only dimension exports are an empty delta (README, "Empty files"): a customers or products
 * file with a header and no rows loads the day, its orders resolving their customers and products
 * against the members the warehouse already holds, and its facts carry those members' attributes
 * from their latest earlier export. (A header-only orders file, a day without sales,
 * is a workflow decision: test/pipeline/runAccounts.test.ts.)
 */
import { strict as assert } from 'node:assert';
import { cleanExport, writeExport } from '../helpers/craftedExport';
import { testDataDir } from '../helpers/pipeline';
import { runDay } from '../helpers/runActivities';
import { freshWarehouse, rows, scalar } from '../helpers/warehouse';

describe('header-only dimension exports', function () {
  this.timeout(240_000);

  it('customers and products files without rows are an empty delta: the day passes the gate and loads its orders', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    writeExport(data.layout.landingDir('2024-03-10'), cleanExport('2024-03-10'));
    assert.ok((await runDay(data.settings, warehouse, '2024-03-10')).loaded, 'the first day loads');
    const members = async () => rows(warehouse, 'SELECT customer_id, valid_from, is_current FROM dim_customer ORDER BY customer_id, valid_from');
    const before = await members();

    // The next day's orders are of the same customers and products; their exports are header-only.
    writeExport(data.layout.landingDir('2024-03-11'), { ...cleanExport('2024-03-11'), customers: [], products: [] });
    const { ingested, transformed, quality, loaded } = await runDay(data.settings, warehouse, '2024-03-11');
    for (const source of ['customers', 'products'] as const) {
      const i = ingested.find((s) => s.source === source)!;
      assert.deepEqual([i.rowsRead, i.rowsQuarantined, transformed.find((t) => t.source === source)!.rowsQuarantined], [0, 0, 0], `${source}: an empty delta, read without error`);
    }
    assert.deepEqual(quality.checks.filter((c) => c.outcome === 'fail').map((c) => c.name), [], 'no check fails over an empty delta');
    assert.notEqual(quality.verdict, 'failed');
    assert.ok(loaded, 'the day loaded');
    assert.deepEqual([loaded.rowsLoaded.customers, loaded.rowsLoaded.products, loaded.rowsLoaded.orders], [0, 0, 4]);
    assert.equal(await scalar(warehouse, "SELECT count() FROM fact_sales WHERE business_date = '2024-03-11'"), 4);
    assert.deepEqual(await members(), before, 'the known customers stay as they were');
    // The day's lines carry the attributes of their members' latest export, not 'unknown'.
    assert.deepEqual(await rows(warehouse, `SELECT business_date, customer_state, product_category, count() AS n, countIf(customer_unique_id = '') AS without_unique_id
      FROM fact_sales GROUP BY ALL ORDER BY ALL`), [
      { business_date: '2024-03-10', customer_state: 'SP', product_category: 'brinquedos', n: 4, without_unique_id: 0 },
      { business_date: '2024-03-11', customer_state: 'SP', product_category: 'brinquedos', n: 4, without_unique_id: 0 },
    ]);
  });
});
