/**
 * A transform that fails partway resumes on its retry after the last partition it finished, from the
 * checkpoint its heartbeat carried, on the Java time-skipping server with the real activities.
 * Attempt 1 fails on the orders' third partition (its file briefly replaced by a folder). Attempt 2
 * gets the checkpoint in its heartbeat details; the first partitions' input is made unreadable for
 * it, so only a resumed transform can succeed. The day loads exactly as a run without the fault.
 */
import { Context } from '@temporalio/activity';
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createActivities, type Activities, type TransformSummary } from '../../activities';
import type { DailyLoadResult } from '../../workflows';
import { checkpointFromDetails } from '../../pipeline/clean/transformCheckpoint';
import { tableChecksums } from '../helpers/checksums';
import { testDataDir, type TestDataDir } from '../helpers/pipeline';
import { productionWorker } from '../helpers/productionWorker';
import { useTimeSkippingServer } from '../helpers/timeSkippingEnv';
import { freshWarehouse } from '../helpers/warehouse';

const DAY = '2024-03-10';

describe('a transform resumes from its heartbeat checkpoint (time-skipping test server)', function () {
  this.timeout(180_000);
  const testEnv = useTimeSkippingServer();

  async function loadDay(activities: (real: Activities, data: TestDataDir) => Activities, taskQueue: string) {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    // Small partitions: the orders file spreads over several.
    data.settings.partitionBytes = 16 * 1024;
    await data.generate(DAY, 400, 0);
    const real = createActivities({ settings: data.settings, warehouse });
    const worker = await productionWorker({ connection: testEnv().nativeConnection, taskQueue, activities: activities(real, data) });
    const result = await worker.runUntil(testEnv().client.workflow.execute('dailyLoad', { taskQueue, workflowId: `daily-${DAY}-${taskQueue}`, args: [{ businessDate: DAY }] })) as DailyLoadResult;
    return { result, checksums: await tableChecksums(warehouse), data };
  }

  it('finishes on the retry from the third partition, with the counts and tables of an undisturbed run', async () => {
    const reference = await loadDay((real) => real, 'resume-reference');

    const attempts: { attempt: number; resumedAt?: number; summary?: TransformSummary }[] = [];
    const resumed = await loadDay((real, { layout }) => ({
      ...real,
      async transformSource(input) {
        if (input.source !== 'orders') return real.transformSource(input);
        const { attempt, heartbeatDetails } = Context.current().info;
        const valid = (p: number) => layout.validPartition(input.businessDate, 'orders', p);
        assert.ok(input.partitions >= 4, `orders spread over ${input.partitions} partitions`);
        if (attempt === 1) {
          const kept = readFileSync(valid(2));
          rmSync(valid(2));
          mkdirSync(valid(2)); // reading it fails (EISDIR): a retryable error mid-transform
          try {
            return await real.transformSource(input);
          } finally {
            rmSync(valid(2), { recursive: true });
            writeFileSync(valid(2), kept);
            attempts.push({ attempt });
          }
        }
        const resumedAt = checkpointFromDetails(heartbeatDetails)?.partitionsDone;
        // Only a transform that skips the finished partitions can succeed now.
        for (const p of [0, 1]) renameSync(valid(p), `${valid(p)}.hidden`);
        try {
          const summary = await real.transformSource(input);
          attempts.push({ attempt, resumedAt, summary });
          return summary;
        } finally {
          for (const p of [0, 1]) renameSync(`${valid(p)}.hidden`, valid(p));
        }
      },
    }), 'resume-faulted');

    assert.deepEqual(attempts.map((a) => [a.attempt, a.resumedAt]), [[1, undefined], [2, 2]], 'the retry resumed after two finished partitions');
    const orders = (r: DailyLoadResult) => r.sources.find((s) => s.source === 'orders');
    assert.deepEqual(orders(resumed.result), orders(reference.result), 'the same counts as an undisturbed run');
    assert.deepEqual(resumed.checksums, reference.checksums, 'the same tables as an undisturbed run');
  });
});
