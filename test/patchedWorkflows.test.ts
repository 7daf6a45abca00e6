/**
 * incrementalLoad and replayLoad gained change batches behind patched('change-batches') and
 * patched('replay-change-batches'). Histories recorded by the workflows as they were before
 * (test/fixtures/workflowsBeforeChangeBatches.ts, run on the time-skipping server with the real
 * activities) must replay against the current code, and so must histories of the current code that
 * applied a change batch; the pre-change code cannot replay those (the control that the check bites).
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { createActivities } from '../activities';
import { generateChangeBatch } from '../ops/generate/changedRows';
import type { IncrementalLoadResult } from '../workflows';
import { testDataDir } from './helpers/pipeline';
import { timeSkippingEnvWithSearchAttributes } from './helpers/timeSkippingEnv';
import { freshWarehouse } from './helpers/warehouse';
import { workflowBundle } from './helpers/workflowBundle';

const silentLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('incrementalLoad and replayLoad replay across the change-batch patches', function () {
  this.timeout(300_000);
  let env: TestWorkflowEnvironment;

  before(async () => {
    env = await timeSkippingEnvWithSearchAttributes();
  });
  after(async () => {
    await env?.teardown();
  });

  it('histories from before the patches and with them replay against the current workflows', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    await data.generate('2024-03-10', 60, 0.002);
    const activities = createActivities({ settings: data.settings, warehouse });
    const before = await bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/workflowsBeforeChangeBatches'), logger: silentLogger });
    const oldQueue = `before-${randomUUID()}`;
    const newQueue = `after-${randomUUID()}`;
    const oldWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: oldQueue, workflowBundle: before, activities });
    const newWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: newQueue, workflowBundle: await workflowBundle(), activities });

    const histories = await oldWorker.runUntil(async () => {
      // A change batch is already landed: the old code does not look at it.
      generateChangeBatch({ batchId: '20240320T000000Z', fromDates: ['2024-03-10'], dataDir: data.settings.dataDir, orders: 3, payments: 1, seed: 4 });
      const incremental = await env.client.workflow.start('incrementalLoad', { taskQueue: oldQueue, workflowId: `old-incremental-${oldQueue}`, args: [{}] });
      assert.deepEqual(await incremental.result(), { loaded: ['2024-03-10'], failed: [], busy: [] });
      const replay = await env.client.workflow.start('replayLoad', { taskQueue: oldQueue, workflowId: `old-replay-${oldQueue}`, args: [{ from: '2024-03-10', to: '2024-03-10' }] });
      await replay.result();
      return { incremental: await incremental.fetchHistory(), replay: await replay.fetchHistory() };
    });
    const current = { workflowsPath: require.resolve('../workflows') };
    await Worker.runReplayHistory(current, histories.incremental, `old-incremental-${oldQueue}`);
    await Worker.runReplayHistory(current, histories.replay, `old-replay-${oldQueue}`);

    const latest = await newWorker.runUntil(async () => {
      const incremental = await env.client.workflow.start('incrementalLoad', { taskQueue: newQueue, workflowId: `new-incremental-${newQueue}`, args: [{}] });
      const result = (await incremental.result()) as IncrementalLoadResult;
      assert.deepEqual(result.changes?.applied, ['20240320T000000Z']);
      const replay = await env.client.workflow.start('replayLoad', { taskQueue: newQueue, workflowId: `new-replay-${newQueue}`, args: [{ from: '2024-03-10', to: '2024-03-31' }] });
      assert.equal(((await replay.result()) as { changeBatches?: number }).changeBatches, 1);
      return { incremental: await incremental.fetchHistory(), replay: await replay.fetchHistory() };
    });
    await Worker.runReplayHistory(current, latest.incremental, `new-incremental-${newQueue}`);
    await Worker.runReplayHistory(current, latest.replay, `new-replay-${newQueue}`);
    await assert.rejects(
      Worker.runReplayHistory({ workflowsPath: require.resolve('./fixtures/workflowsBeforeChangeBatches') }, latest.incremental, `new-incremental-${newQueue}`),
      (error: Error) => error instanceof DeterminismViolationError,
    );
  });
});
