import { strict as assert } from 'node:assert';
import { SOURCE_NAMES } from '../../domain/contracts';
import { tableChecksums } from '../helpers/checksums';
import { testDataDir } from '../helpers/pipeline';
import { runDay } from '../helpers/runActivities';
import { freshWarehouse, rows, scalar } from '../helpers/warehouse';

describe('pipeline activities on the embedded warehouse', function () {
  this.timeout(120_000);

  it('accounts for every row: read = loaded + quarantined + deduplicated, matching the generated defects', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    const generated = await data.generate('2024-03-10', 400);
    const { ingested, transformed, loaded } = await runDay(data.settings, warehouse, '2024-03-10');
    assert.ok(loaded, 'the quality gate should pass on 0.5% defects per kind');

    SOURCE_NAMES.forEach((source, i) => {
      const read = ingested[i].rowsRead;
      const account = {
        loaded: loaded.rowsLoaded[source],
        quarantined: ingested[i].rowsQuarantined + transformed[i].rowsQuarantined,
        deduplicated: transformed[i].duplicatesRemoved,
        dropped: transformed[i].rowsDropped,
      };
      assert.equal(read, generated.rows[source], `${source}: every written row is read`);
      assert.equal(read, account.loaded + account.quarantined + account.deduplicated + account.dropped, `${source}: conservation ${JSON.stringify(account)}`);
      const d = generated.defects[source];
      assert.equal(account.quarantined, d.missingRequired + d.unparseableDate + d.negativeAmount, `${source}: quarantined defects`);
      assert.equal(account.deduplicated, d.duplicate, `${source}: duplicates removed`);
    });
  });

  it('keeps agg_daily_sales equal to fact_sales', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    for (const day of ['2024-03-10', '2024-03-11', '2024-04-01']) {
      await data.generate(day, 150);
      await runDay(data.settings, warehouse, day);
    }
    const mismatches = await rows(warehouse, `
      SELECT f.business_date, f.sale_date, f.lines, a.order_lines, f.revenue, a.revenue
      FROM (SELECT business_date, toDate(purchased_at) AS sale_date, count() AS lines, sum(line_total) AS revenue
            FROM fact_sales GROUP BY business_date, sale_date) AS f
      FULL OUTER JOIN agg_daily_sales AS a ON a.business_date = f.business_date AND a.sale_date = f.sale_date
      WHERE f.lines != a.order_lines OR f.revenue != a.revenue`);
    assert.deepEqual(mismatches, []);
    assert.equal(await scalar(warehouse, 'SELECT uniqExact(business_date) FROM agg_daily_sales'), 3);
  });

  it('re-running a day leaves every table identical; a second day of the month adds to it', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    await data.generate('2024-03-10', 150);
    await runDay(data.settings, warehouse, '2024-03-10');
    const first = await tableChecksums(warehouse);

    await runDay(data.settings, warehouse, '2024-03-10');
    assert.deepEqual(await tableChecksums(warehouse), first, 're-run of the same day');

    await data.generate('2024-03-11', 150);
    await runDay(data.settings, warehouse, '2024-03-11');
    const days = await rows<{ business_date: string; n: string | number }>(warehouse, 'SELECT business_date, count() AS n FROM fact_sales GROUP BY business_date ORDER BY business_date');
    assert.deepEqual(days.map((d) => d.business_date), ['2024-03-10', '2024-03-11']);
    assert.ok(days.every((d) => Number(d.n) > 0));
  });

  it('covers every date the facts use in dim_date', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    await data.generate('2024-03-30', 150);
    await runDay(data.settings, warehouse, '2024-03-30');
    const missing = await scalar(warehouse, `
      SELECT count() FROM fact_sales
      WHERE toDate(purchased_at) NOT IN (SELECT date FROM dim_date)
         OR (delivered_at IS NOT NULL AND toDate(assumeNotNull(delivered_at)) NOT IN (SELECT date FROM dim_date))`);
    assert.equal(missing, 0);
  });

  it('stops at the quality gate when too many rows are rejected, leaving the warehouse untouched', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    await data.generate('2024-03-10', 200, 0.1);
    const before = await tableChecksums(warehouse);
    const { quality, loaded } = await runDay(data.settings, warehouse, '2024-03-10');
    assert.equal(quality.verdict, 'failed');
    assert.equal(loaded, undefined);
    assert.ok(quality.checks.some((c) => c.outcome === 'fail' && c.name === 'orders_quarantined_share'));
    assert.deepEqual(await tableChecksums(warehouse), before);
  });
});
