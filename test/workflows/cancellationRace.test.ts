/**
 * A cancel that races an ingest or transform finishing. Those activities are cancelled with
 * WAIT_CANCELLATION_COMPLETED (their engine statements must stop before the work files are deleted), so
 * the workflow waits for the activity's answer; here the answer is a success that arrives after the
 * cancel request. The run must still end cancelled, with its work discarded and nothing staged.
 *
 * On the Temporal dev server: the Java time-skipping test server (1.38.0) never completes the
 * workflow task that follows in this case (measured: the history stops at WorkflowTaskStarted after
 * WorkflowExecutionCancelRequested), while the dev server (the real server's code) handles it.
 */
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { setTimeout as pause } from 'node:timers/promises';
import { createActivities, type Activities } from '../../activities';
import { SOURCE_NAMES } from '../../domain/contracts';
import { tableChecksums } from '../helpers/checksums';
import { devServerEnv, type DevServerEnv } from '../helpers/devServerEnv';
import { testDataDir } from '../helpers/pipeline';
import { productionWorker } from '../helpers/productionWorker';
import { freshWarehouse, rows } from '../helpers/warehouse';

const DAY = '2024-03-10';

describe('a cancel racing a transform that completes (Temporal dev server)', function () {
  this.timeout(180_000);
  let temporal: DevServerEnv;

  before(async () => {
    temporal = await devServerEnv();
  });
  after(async () => {
    await temporal?.teardown();
  });

  it('ends cancelled, discards the work files, stages and loads nothing, and records the run', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    await data.generate(DAY, 30, 0);
    const real = createActivities({ settings: data.settings, warehouse });
    // The orders transform finishes its work, then holds its result until the cancel has been sent.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let ordersTransform = 'not started';
    const observed: Activities = {
      ...real,
      async transformSource(input) {
        const summary = await real.transformSource(input);
        if (input.source !== 'orders') return summary;
        ordersTransform = 'done, holding its result';
        await released;
        ordersTransform = 'returned';
        return summary;
      },
    };
    const { client, nativeConnection } = temporal;
    const taskQueue = 'cancel-race';
    const worker = await productionWorker({ connection: nativeConnection, namespace: temporal.namespace, taskQueue, activities: observed });
    await worker.runUntil(async () => {
      const before = await tableChecksums(warehouse);
      const handle = await client.workflow.start('dailyLoad', { taskQueue, workflowId: `daily-${DAY}`, args: [{ businessDate: DAY }] });
      while (ordersTransform !== 'done, holding its result') await pause(50);
      await handle.cancel();
      release();
      await assert.rejects(handle.result(), (error: WorkflowFailedError) => {
        assert.ok(error.cause instanceof CancelledFailure, `ended cancelled, not ${error.cause?.name}`);
        return true;
      });
      assert.equal(ordersTransform, 'returned', 'the transform completed after the cancel request');
      const { events } = await handle.fetchHistory();
      const cancelRequested = events!.findIndex((e) => e.workflowExecutionCancelRequestedEventAttributes);
      assert.ok(cancelRequested > 0 && events!.slice(cancelRequested).some((e) => e.activityTaskCompletedEventAttributes), 'the history shows an activity completing after the cancel request');
      assert.deepEqual(await tableChecksums(warehouse), before, 'nothing loaded');
      for (const source of SOURCE_NAMES) assert.equal(existsSync(data.layout.stagedDateDir(source, DAY)), false, `nothing staged for ${source}`);
      assert.equal(existsSync(data.layout.workDir(DAY)), false, 'the work files were discarded');
      const [run] = await rows<{ status: string; message: string }>(warehouse, `SELECT status, message FROM etl_runs FINAL WHERE business_date = '${DAY}'`);
      assert.equal(run.status, 'failed');
      assert.match(run.message, /^cancelled while (transforming|checking_quality); nothing was staged or loaded$/);
    });
  });
});
