/**
 * Cancelling dailyLoad mid-ingest (on the Temporal dev server) and while staging (on the Java
 * time-skipping test server), with the real activities and the embedded warehouse. Mid-ingest, the
 * orders file is a FIFO kept open by the test, so the ingest is provably still reading (it cannot
 * reach the end of its input) when the cancel arrives: no timing decides the outcome.
 */
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { createActivities, type Activities } from '../../activities';
import { SOURCE_NAMES } from '../../domain/contracts';
import type { DailyLoadResult } from '../../workflows';
import { tableChecksums } from '../helpers/checksums';
import { testDataDir } from '../helpers/pipeline';
import { productionWorker } from '../helpers/productionWorker';
import { freshWarehouse, rows, scalar } from '../helpers/warehouse';
import { devServerEnv, type DevServerEnv } from '../helpers/devServerEnv';
import { useTimeSkippingServer } from '../helpers/timeSkippingEnv';

const DAY = '2024-03-10';

describe('cancelling a dailyLoad mid-ingest (dev server)', function () {
  this.timeout(180_000);
  // On the dev server, not the time-skipping one: the other sources' engine statements finish after
  // the cancel, and the Java test server (1.38.0) hangs when an activity that waits for its
  // cancellation to complete completes after it. Nothing here needs time to skip.
  let temporal: DevServerEnv;
  before(async () => {
    temporal = await devServerEnv();
  });
  after(async () => {
    await temporal?.teardown();
  });

  it('aborts the ingest thread, publishes nothing, leaves the warehouse unchanged, and a re-run loads the day', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    const settings = data.settings;
    // No defects: tiny days would otherwise cross the quality thresholds.
    await data.generate('2024-03-09', 30, 0);
    await data.generate(DAY, 30, 0);
    const real = createActivities({ settings, warehouse });
    let ordersIngest: 'running' | 'completed' | string = 'not started';
    const observed: Activities = {
      ...real,
      async ingestSource(input) {
        if (input.source !== 'orders' || input.businessDate !== DAY) return real.ingestSource(input);
        ordersIngest = 'running';
        return real.ingestSource(input).then(
          (summary) => ((ordersIngest = 'completed'), summary),
          (error: Error) => {
            ordersIngest = error.name;
            throw error;
          },
        );
      },
    };
    const taskQueue = `cancel-${Date.now()}`;
    // Cancellation is delivered in heartbeat answers; a short throttle keeps the test quick.
    const worker = await productionWorker({ connection: temporal.nativeConnection, namespace: temporal.namespace, taskQueue, activities: observed, maxHeartbeatThrottleInterval: '200 milliseconds' });

    // The orders export arrives through a FIFO that stays open: ingest reads every row, then waits for more.
    const orders = data.layout.landingFile(DAY, 'orders');
    const content = readFileSync(orders);
    assert.ok(content.length < 60_000, 'fits in a pipe buffer, so writing never blocks');
    unlinkSync(orders);
    execFileSync('mkfifo', [orders]);
    const fifo = openSync(orders, 'r+'); // read-write: opening does not wait for a reader
    writeSync(fifo, content);

    await worker.runUntil(async () => {
      await temporal.client.workflow.execute('dailyLoad', { taskQueue, workflowId: 'daily-2024-03-09', args: [{ businessDate: '2024-03-09' }] });
      const before = await tableChecksums(warehouse);

      const handle = await temporal.client.workflow.start('dailyLoad', { taskQueue, workflowId: `daily-${DAY}`, args: [{ businessDate: DAY }] });
      // The orders ingest has started: it reads the open FIFO and waits for more, until cancelled
      // (a cancel that arrives before it reads aborts the read at once, with the same outcome).
      while (ordersIngest !== 'running') await pause(50);
      await handle.cancel();
      await assert.rejects(handle.result(), (error: WorkflowFailedError) => {
        assert.ok(error.cause instanceof CancelledFailure, `ended cancelled, not ${error.cause?.name}`);
        return true;
      });
      closeSync(fifo);

      assert.equal(ordersIngest, 'AbortError', 'the ingest thread job was aborted while its input was still open');
      const { events } = await handle.fetchHistory();
      assert.ok(events?.some((e) => e.activityTaskCanceledEventAttributes), 'the ingest activity reported its cancellation');
      assert.deepEqual(await tableChecksums(warehouse), before, 'the warehouse is unchanged');
      for (const source of SOURCE_NAMES) assert.equal(existsSync(data.layout.stagedDateDir(source, DAY)), false, `nothing staged for ${source}`);
      assert.equal(existsSync(data.layout.workDir(DAY)), false, 'no pending parts or partitions left');
      const quarantine = data.layout.quarantineDir(DAY);
      assert.deepEqual(existsSync(quarantine) ? readdirSync(quarantine).filter((n) => /\.partial-/.test(n)) : [], [], 'no half-written quarantine files');
      const [run] = await rows<{ status: string; message: string }>(warehouse, `SELECT status, message FROM etl_runs FINAL WHERE business_date = '${DAY}'`);
      assert.equal(run.status, 'failed');
      assert.match(run.message, /^cancelled while ingesting; nothing was staged or loaded$/);

      // The same day, landed as a plain file, loads normally under the same workflow ID.
      unlinkSync(orders);
      writeFileSync(orders, content);
      const result = (await temporal.client.workflow.execute('dailyLoad', { taskQueue, workflowId: `daily-${DAY}`, args: [{ businessDate: DAY }] })) as DailyLoadResult;
      assert.ok(result.sources.find((s) => s.source === 'orders')!.rowsLoaded > 0);
      assert.ok((await scalar(warehouse, `SELECT count() FROM fact_sales WHERE business_date = '${DAY}'`)) > 0);
      for (const source of SOURCE_NAMES) assert.ok(existsSync(data.layout.stagedDateDir(source, DAY)), `${source} staged by the re-run`);
    });
  });

});

describe('cancelling a dailyLoad (time-skipping test server)', function () {
  this.timeout(180_000);
  const testEnv = useTimeSkippingServer();

  it('completes staging when cancelled while staging: every source staged, nothing loaded, run recorded', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    await data.generate('2024-03-09', 30, 0);
    await data.generate(DAY, 30, 0);
    const real = createActivities({ settings: data.settings, warehouse });
    // The first stage of the day's orders waits for the test: the cancel arrives while it is running.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let ordersStage = 'not started';
    const observed: Activities = {
      ...real,
      async stageSource(input) {
        if (input.source !== 'orders' || input.businessDate !== DAY || ordersStage !== 'not started') return real.stageSource(input);
        ordersStage = 'waiting';
        await released;
        return real.stageSource(input);
      },
    };
    const taskQueue = `cancel-stage-${Date.now()}`;
    const worker = await productionWorker({ connection: testEnv().nativeConnection, taskQueue, activities: observed });

    await worker.runUntil(async () => {
      await testEnv().client.workflow.execute('dailyLoad', { taskQueue, workflowId: 'daily-2024-03-09', args: [{ businessDate: '2024-03-09' }] });
      const before = await tableChecksums(warehouse);

      const handle = await testEnv().client.workflow.start('dailyLoad', { taskQueue, workflowId: `daily-${DAY}`, args: [{ businessDate: DAY }] });
      const others = SOURCE_NAMES.filter((source) => source !== 'orders');
      while (!(ordersStage === 'waiting' && others.every((source) => existsSync(data.layout.stagedDateDir(source, DAY))))) await pause(50);
      assert.equal(existsSync(data.layout.stagedDateDir('orders', DAY)), false, 'orders not staged when the cancel arrives');
      await handle.cancel();
      await assert.rejects(handle.result(), (error: WorkflowFailedError) => {
        assert.ok(error.cause instanceof CancelledFailure, `ended cancelled, not ${error.cause?.name}`);
        return true;
      });

      for (const source of SOURCE_NAMES) assert.ok(existsSync(data.layout.stagedDateDir(source, DAY)), `${source} staged`);
      assert.deepEqual(await tableChecksums(warehouse), before, 'nothing was loaded');
      const [run] = await rows<{ status: string; message: string }>(warehouse, `SELECT status, message FROM etl_runs FINAL WHERE business_date = '${DAY}'`);
      assert.equal(run.status, 'failed');
      assert.match(run.message, /^cancelled while staging; every source of the day was staged .* but not loaded/);

      // The stage activity the cancel interrupted finishes late and finds the folder already published.
      release();
      while (ordersStage === 'waiting' && existsSync(data.layout.pendingDir(DAY, 'orders'))) await pause(50);
      const summary = await real.stageSource({ businessDate: DAY, source: 'orders' });
      assert.ok(summary.parts > 0, 'the staged orders folder is whole');
    });
  });
});
