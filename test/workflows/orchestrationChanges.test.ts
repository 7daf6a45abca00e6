/**
 * incrementalLoad picking up change batches, on the time-skipping test server with the real
 * activities and the embedded warehouse: days first, then each new batch by a changeBatchLoad child
 * (`changes-<batch id>`) that rebuilds only the month it touches; nothing is applied twice; a bad
 * batch fails with the file named and is not retried until its files change; a folder that is not
 * a batch id is reported; only counts and paths travel through the histories.
 */
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateChangeBatch } from '../../ops/generate/changedRows';
import type { IncrementalLoadResult } from '../../workflows';
import { RUN_KIND } from '../../workflows/searchAttributes';
import { partitionFingerprints, readCsv } from '../helpers/changeBatches';
import { testDataDir } from '../helpers/pipeline';
import { productionWorker } from '../helpers/productionWorker';
import { recordHistoryIfAsked } from '../helpers/recordHistory';
import { useTimeSkippingServer } from '../helpers/timeSkippingEnv';
import { freshWarehouse, rows, scalar } from '../helpers/warehouse';

const BATCH = '20240415T120000Z';
const BAD = '20240416T080000Z-no-version';

describe('incrementalLoad with change batches (time-skipping test server)', function () {
  this.timeout(300_000);
  const testEnv = useTimeSkippingServer({ searchAttributes: true });

  it('applies a new change batch after the new days, rebuilding only its month, once', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    const taskQueue = `changes-${randomUUID()}`;
    const worker = await productionWorker({ connection: testEnv().nativeConnection, taskQueue, settings: data.settings, warehouse });
    let n = 0;
    const run = async () => (await testEnv().client.workflow.execute('incrementalLoad', {
      taskQueue, workflowId: `incremental-${taskQueue}-${n++}`, args: [{}], typedSearchAttributes: [{ key: RUN_KIND, value: 'incremental' }],
    })) as IncrementalLoadResult;

    await worker.runUntil(async () => {
      await data.generate('2024-03-10', 80, 0.002);
      await data.generate('2024-04-02', 80, 0.002);
      assert.deepEqual(await run(), { loaded: ['2024-03-10', '2024-04-02'], failed: [], busy: [] });
      const dailyKinds = await rows<{ kind: string }>(warehouse, "SELECT DISTINCT kind FROM etl_runs FINAL WHERE workflow_id LIKE 'daily-%'");
      assert.deepEqual(dailyKinds.map((r) => r.kind), ['incremental'], 'the day children record runKind incremental');

      // A batch of March changes lands: the next run applies it, and only March is rebuilt.
      const before = await partitionFingerprints(warehouse, ['fact_sales', 'fact_payments', 'agg_daily_sales', 'agg_delivery']);
      const generated = generateChangeBatch({ batchId: BATCH, fromDates: ['2024-03-10'], dataDir: data.settings.dataDir, orders: 4, payments: 2, seed: 1 });
      assert.deepEqual(await run(), { loaded: [], failed: [], busy: [], changes: { applied: [BATCH], failed: [], busy: [], refused: [] } });
      await recordHistoryIfAsked(testEnv().client.workflow.getHandle(`incremental-${taskQueue}-1`), 'incrementalLoad-changes.json');
      await recordHistoryIfAsked(testEnv().client.workflow.getHandle(`changes-${BATCH}`), 'changeBatchLoad.json');
      const after = await partitionFingerprints(warehouse, ['fact_sales', 'fact_payments', 'agg_daily_sales', 'agg_delivery']);
      for (const table of ['fact_sales', 'fact_payments', 'agg_daily_sales', 'agg_delivery']) {
        assert.equal(after[`${table}/202404`], before[`${table}/202404`], `${table}: April untouched`);
        assert.notEqual(after[`${table}/202403`], before[`${table}/202403`], `${table}: March rebuilt`);
      }
      const changed = readCsv(generated.files.orders!);
      const statuses = await rows<{ order_status: string }>(warehouse,
        'SELECT order_status FROM fact_sales WHERE change_batch = {b:String} ORDER BY order_id, order_item_id', { b: BATCH });
      assert.deepEqual(statuses.map((r) => r.order_status), [...changed].sort((a, b) => (a.order_id + a.order_item_id.padStart(5, '0') < b.order_id + b.order_item_id.padStart(5, '0') ? -1 : 1)).map((l) => l.order_status));
      const [record] = await rows<{ kind: string; status: string; business_date: string }>(warehouse,
        "SELECT kind, status, toString(business_date) AS business_date FROM etl_runs FINAL WHERE workflow_id = {w:String}", { w: `changes-${BATCH}` });
      assert.deepEqual(record, { kind: 'incremental', status: 'succeeded', business_date: '2024-04-15' });
      assert.equal(await scalar(warehouse, "SELECT count() FROM change_manifest FINAL WHERE batch_id = {b:String} AND outcome = 'succeeded'", { b: BATCH }), 2);

      // Rows never travel through Temporal: the batch's history holds counts and paths only.
      const { events } = await testEnv().client.workflow.getHandle(`changes-${BATCH}`).fetchHistory();
      const history = JSON.stringify(events);
      assert.ok(!history.includes(changed[0].order_id) && !history.includes(changed[0].customer_id), 'no row values in the history');

      // Nothing new: nothing applied, nothing rebuilt.
      assert.deepEqual(await run(), { loaded: [], failed: [], busy: [] });
      assert.deepEqual(await partitionFingerprints(warehouse, ['fact_sales', 'fact_payments', 'agg_daily_sales', 'agg_delivery']), after);

      // A batch without updated_at fails naming the file and is not retried until it changes; a
      // folder that is not a batch id is reported every run.
      const bad = path.join(data.settings.dataDir, 'landing', 'changes', BAD);
      mkdirSync(bad, { recursive: true });
      writeFileSync(path.join(bad, 'payments.csv'), 'order_id,payment_sequential,payment_type,payment_installments,payment_value\n');
      mkdirSync(path.join(data.settings.dataDir, 'landing', 'changes', 'last-tuesday'), { recursive: true });
      assert.deepEqual(await run(), { loaded: [], failed: [], busy: [], changes: { applied: [], failed: [BAD], busy: [], refused: ['last-tuesday'] } });
      const [failed] = await rows<{ status: string; message: string }>(warehouse, 'SELECT status, message FROM etl_runs FINAL WHERE workflow_id = {w:String}', { w: `changes-${BAD}` });
      assert.equal(failed.status, 'failed');
      assert.match(failed.message, /landing\/changes\/20240416T080000Z-no-version\/payments\.csv line 1: header does not match the payments change contract .*missing columns: updated_at/);
      assert.deepEqual(await run(), { loaded: [], failed: [], busy: [], changes: { applied: [], failed: [], busy: [], refused: ['last-tuesday'] } });
    });
  });
});
