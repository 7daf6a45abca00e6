/**
 * incrementalLoad on the time-skipping test server with the real activities and the embedded
 * warehouse: new days are found by content hash, loaded oldest first, nothing is reloaded when
 * nothing changed, a new day leaves other months' partitions untouched (asserted on system.parts),
 * and a failed day is tried again only once its files change.
 */
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import type { IncrementalLoadResult } from '../../workflows';
import { testDataDir } from '../helpers/pipeline';
import { productionWorker } from '../helpers/productionWorker';
import { recordHistoryIfAsked } from '../helpers/recordHistory';
import { useTimeSkippingServer } from '../helpers/timeSkippingEnv';
import { freshWarehouse, rows } from '../helpers/warehouse';

describe('incrementalLoad (time-skipping test server)', function () {
  this.timeout(300_000);
  const testEnv = useTimeSkippingServer({ searchAttributes: true });

  it('loads only new or changed days and rebuilds only their months', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    const taskQueue = `incr-${randomUUID()}`;
    const worker = await productionWorker({ connection: testEnv().nativeConnection, taskQueue, settings: data.settings, warehouse });
    let n = 0;
    const run = async () => (await testEnv().client.workflow.execute('incrementalLoad', { taskQueue, workflowId: `incremental-${taskQueue}-${n++}`, args: [{}] })) as IncrementalLoadResult;
    // Block numbers of the March partition of each fact: a rebuild (REPLACE PARTITION) brings parts with
    // new, higher block numbers; a background merge keeps the range, so this cannot change by itself.
    const marchParts = async () => rows<{ table: string; first: string; last: string }>(warehouse,
      "SELECT table, toString(min(min_block_number)) AS first, toString(max(max_block_number)) AS last FROM system.parts WHERE database = currentDatabase() AND active AND partition_id = '202403' AND table IN ('fact_sales', 'fact_payments') GROUP BY table ORDER BY table");

    await worker.runUntil(async () => {
      await data.generate('2024-03-10', 80);
      await data.generate('2024-03-11', 80);
      assert.deepEqual(await run(), { loaded: ['2024-03-10', '2024-03-11'], failed: [], busy: [] });
      await recordHistoryIfAsked(testEnv().client.workflow.getHandle(`incremental-${taskQueue}-0`), 'incrementalLoad.json');
      assert.deepEqual(await run(), { loaded: [], failed: [], busy: [] }, 'nothing new: nothing loaded');

      const before = await marchParts();
      assert.equal(before.length, 2);
      await data.generate('2024-04-02', 80);
      assert.deepEqual(await run(), { loaded: ['2024-04-02'], failed: [], busy: [] });
      assert.deepEqual(await marchParts(), before, 'the March partitions were not rebuilt for an April day');
      const months = await rows<{ m: number }>(warehouse, 'SELECT DISTINCT toYYYYMM(business_date) AS m FROM fact_sales ORDER BY m');
      assert.deepEqual(months.map((r) => Number(r.m)), [202403, 202404]);

      // A day that fails the quality gate is not retried every run, only once its files change.
      await data.generate('2024-04-03', 150, 0.1);
      assert.deepEqual(await run(), { loaded: [], failed: ['2024-04-03'], busy: [] });
      assert.deepEqual(await run(), { loaded: [], failed: [], busy: [] });
      await data.generate('2024-04-03', 150);
      assert.deepEqual(await run(), { loaded: ['2024-04-03'], failed: [], busy: [] });
    });
  });
});
