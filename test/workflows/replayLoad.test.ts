/**
 * Disaster recovery on the time-skipping test server with the real activities and the embedded
 * warehouse: days are loaded (and archived), the warehouse and every derived file are destroyed,
 * replayLoad rebuilds from the archive alone, and every loaded table must be identical.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { appendFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Warehouse } from '../../clickhouse/client';
import type { DailyLoadResult, ReplayLoadResult } from '../../workflows';
import { RUN_KIND } from '../../workflows/searchAttributes';
import { testDataDir } from '../helpers/pipeline';
import { productionWorker } from '../helpers/productionWorker';
import { loadedTableChecksums } from '../helpers/starSchema';
import { recordHistoryIfAsked } from '../helpers/recordHistory';
import { useTimeSkippingServer } from '../helpers/timeSkippingEnv';
import { freshWarehouse, scalar } from '../helpers/warehouse';

describe('replayLoad: disaster recovery from the archive (time-skipping test server)', function () {
  this.timeout(300_000);
  const testEnv = useTimeSkippingServer({ searchAttributes: true });
  let warehouse: Warehouse;


  it('rebuilds identical tables from the archive after the warehouse and all derived files are lost', async () => {
    warehouse = await freshWarehouse();
    const data = testDataDir();
    // Two days of one month and one of the next: replay must respect order across months.
    const days = ['2024-03-10', '2024-03-11', '2024-04-02'];
    for (const [i, day] of days.entries()) await data.generate(day, 120 + 30 * i);
    const taskQueue = `replay-${randomUUID()}`;
    const worker = await productionWorker({ connection: testEnv().nativeConnection, taskQueue, settings: data.settings, warehouse });

    const { original, replayed, runs } = await worker.runUntil(async () => {
      for (const day of days) {
        await testEnv().client.workflow.execute('dailyLoad', { taskQueue, workflowId: `daily-${day}`, args: [{ businessDate: day }] }) as DailyLoadResult;
      }
      const original = await loadedTableChecksums(warehouse);

      // The disaster: the warehouse is gone, and so is every file but the archive.
      await freshWarehouse();
      for (const entry of readdirSync(data.settings.dataDir)) {
        if (entry !== 'archive') rmSync(path.join(data.settings.dataDir, entry), { recursive: true, force: true });
      }
      assert.equal(await scalar(warehouse, 'SELECT count() FROM fact_sales'), 0);

      // Two days per run: the three days take two runs chained by continue-as-new.
      const handle = await testEnv().client.workflow.start('replayLoad', {
        taskQueue,
        workflowId: `replay-${taskQueue}`,
        args: [{ from: '2024-03-01', to: '2024-04-30', datesPerRun: 2 }],
        typedSearchAttributes: [{ key: RUN_KIND, value: 'replay' }],
      });
      const replayed = (await handle.result()) as ReplayLoadResult;
      const runs = await countRuns(handle.workflowId, handle.firstExecutionRunId);
      await recordHistoryIfAsked(testEnv().client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId), 'replayLoad.json');
      return { original, replayed, runs };
    });

    assert.deepEqual(replayed, { to: '2024-04-30', replayed: 3, lastDate: '2024-04-02' });
    assert.equal(runs, 2, 'the replay continued as new after two days');
    for (const [table, sum] of Object.entries(original)) assert.ok(!sum.startsWith('0:'), `${table} held rows before the disaster`);
    assert.deepEqual(await loadedTableChecksums(warehouse), original, 'every loaded table is identical after the replay');
  });

  it('refuses to replay a day whose archived file no longer matches its checksum, naming it', async () => {
    warehouse = await freshWarehouse();
    const data = testDataDir();
    await data.generate('2024-03-10', 60);
    const taskQueue = `replay-${randomUUID()}`;
    const worker = await productionWorker({ connection: testEnv().nativeConnection, taskQueue, settings: data.settings, warehouse });
    await worker.runUntil(async () => {
      await testEnv().client.workflow.execute('dailyLoad', { taskQueue, workflowId: `daily-2024-03-10-${taskQueue}`, args: [{ businessDate: '2024-03-10' }] });
      appendFileSync(path.join(data.settings.dataDir, 'archive', '2024-03-10', 'orders.csv'), 'tampered\n');
      await assert.rejects(
        testEnv().client.workflow.execute('replayLoad', { taskQueue, workflowId: `replay-${taskQueue}`, args: [{ from: '2024-03-10', to: '2024-03-10' }] }),
        (error: WorkflowFailedError) => {
          const cause = error.cause as Error & { cause?: Error };
          assert.match(String(cause?.cause?.message ?? cause?.message), /archived orders\.csv of 2024-03-10 does not match its manifest checksum: the archive is damaged\. Restore .* from a copy/);
          return true;
        },
      );
    });
  });

  /** Follow the chain of runs from the first: each continue-as-new names the next run. */
  async function countRuns(workflowId: string, firstRunId: string): Promise<number> {
    let runs = 0;
    for (let runId: string | undefined = firstRunId; runId; runs += 1) {
      const { events } = await testEnv().client.workflow.getHandle(workflowId, runId).fetchHistory();
      runId = events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    return runs;
  }
});
