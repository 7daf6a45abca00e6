/**
 * Disaster recovery with change batches (time-skipping test server, real activities, embedded
 * warehouse): days and two change batches are applied through incrementalLoad, the warehouse and
 * every file but the archive are lost, and replayLoad (days, then the archived batches, continuing
 * as new along the way) rebuilds every loaded table identically. A tampered archived batch is refused.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { appendFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { generateChangeBatch } from '../../ops/generate/changedRows';
import type { IncrementalLoadResult, ReplayLoadResult } from '../../workflows';
import { RUN_KIND } from '../../workflows/searchAttributes';
import { testDataDir } from '../helpers/pipeline';
import { nullSafeChecksums } from '../helpers/changeBatches';
import { productionWorker } from '../helpers/productionWorker';
import { LOADED_TABLES } from '../helpers/starSchema';
import { useTimeSkippingServer } from '../helpers/timeSkippingEnv';
import { freshWarehouse, scalar } from '../helpers/warehouse';

const DAYS = ['2024-03-10', '2024-03-11', '2024-04-02'];
const BATCHES = ['20240405T100000Z', '20240406T100000Z'];

describe('replayLoad re-applies archived change batches (time-skipping test server)', function () {
  this.timeout(300_000);
  const testEnv = useTimeSkippingServer({ searchAttributes: true });

  it('rebuilds identical tables from the archived days and change batches', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    for (const day of DAYS) await data.generate(day, 80, 0.002);
    const taskQueue = `replay-changes-${randomUUID()}`;
    const worker = await productionWorker({ connection: testEnv().nativeConnection, taskQueue, settings: data.settings, warehouse });

    await worker.runUntil(async () => {
      const incremental = (id: string) => testEnv().client.workflow.execute('incrementalLoad', { taskQueue, workflowId: `incremental-${id}-${taskQueue}`, args: [{}] }) as Promise<IncrementalLoadResult>;
      assert.deepEqual((await incremental('days')).loaded, DAYS);
      // Two batches: the first over March and April, the second over March.
      generateChangeBatch({ batchId: BATCHES[0], fromDates: ['2024-03-10', '2024-04-02'], dataDir: data.settings.dataDir, orders: 5, payments: 3, seed: 21 });
      generateChangeBatch({ batchId: BATCHES[1], fromDates: ['2024-03-10', '2024-03-11'], dataDir: data.settings.dataDir, orders: 5, payments: 3, seed: 21 });
      assert.deepEqual((await incremental('changes')).changes?.applied, BATCHES);
      assert.ok(await scalar(warehouse, "SELECT count() FROM fact_sales WHERE change_batch != ''") > 0);
      const original = await nullSafeChecksums(warehouse, LOADED_TABLES);

      // The disaster: the warehouse is gone, and so is every file but the archive.
      await freshWarehouse();
      for (const entry of readdirSync(data.settings.dataDir)) {
        if (entry !== 'archive') rmSync(path.join(data.settings.dataDir, entry), { recursive: true, force: true });
      }

      // One item per run: three days and two batches take five runs chained by continue-as-new.
      const handle = await testEnv().client.workflow.start('replayLoad', {
        taskQueue, workflowId: `replay-${taskQueue}`, args: [{ from: '2024-03-01', to: '2024-04-30', datesPerRun: 1 }],
        typedSearchAttributes: [{ key: RUN_KIND, value: 'replay' }],
      });
      const replayed = (await handle.result()) as ReplayLoadResult;
      assert.deepEqual(replayed, { to: '2024-04-30', replayed: 3, lastDate: '2024-04-02', changeBatches: 2 });
      assert.deepEqual(await nullSafeChecksums(warehouse, LOADED_TABLES), original, 'every loaded table is identical after the replay');
      const kinds = await scalar(warehouse, "SELECT countIf(kind = 'replay') FROM etl_runs FINAL WHERE workflow_id LIKE 'changes-%'");
      assert.equal(kinds, 2, 'the re-applied batches are recorded as replays');

      // A tampered archived batch file is refused, naming it.
      appendFileSync(path.join(data.settings.dataDir, 'archive', 'changes', BATCHES[1], 'orders.csv'), 'tampered\n');
      await assert.rejects(
        testEnv().client.workflow.execute('replayLoad', { taskQueue, workflowId: `replay-again-${taskQueue}`, args: [{ from: '2024-04-06', to: '2024-04-06' }] }),
        (error: WorkflowFailedError) => {
          const cause = error.cause as Error & { cause?: Error };
          assert.match(String(cause?.cause?.message ?? cause?.message), /archived orders\.csv of change batch 20240406T100000Z does not match its manifest checksum: the archive is damaged/);
          return true;
        },
      );
    });
  });
});
