/**
 * dailyLoad's orchestration surface on the time-skipping test server with the real activities:
 * search attributes and the run-summary memo, the immutable archive of raw inputs, and failures
 * whose messages say what to do. Also records the history that test/workflows/replay.test.ts replays.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { strict as assert } from 'node:assert';
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Warehouse } from '../../clickhouse/client';
import type { DailyLoadResult } from '../../workflows';
import type { RunSummary } from '../../workflows/runSummary';
import { BUSINESS_DATE, OUTCOME, RUN_KIND } from '../../workflows/searchAttributes';
import { tableChecksums } from '../helpers/checksums';
import { testDataDir } from '../helpers/pipeline';
import { productionWorker } from '../helpers/productionWorker';
import { recordHistoryIfAsked } from '../helpers/recordHistory';
import { useTimeSkippingServer } from '../helpers/timeSkippingEnv';
import { freshWarehouse } from '../helpers/warehouse';

describe('dailyLoad orchestration (time-skipping test server)', function () {
  this.timeout(300_000);
  const testEnv = useTimeSkippingServer({ searchAttributes: true });
  let warehouse: Warehouse;


  it('publishes business date, run kind and outcome as search attributes and the counts as a memo', async () => {
    warehouse = await freshWarehouse();
    const data = testDataDir();
    await data.generate('2024-03-10', 80);
    const taskQueue = `orch-${randomUUID()}`;
    const worker = await productionWorker({ connection: testEnv().nativeConnection, taskQueue, settings: data.settings, warehouse });
    const handle = await worker.runUntil(async () => {
      const started = await testEnv().client.workflow.start('dailyLoad', {
        taskQueue, workflowId: `daily-2024-03-10-${taskQueue}`, args: [{ businessDate: '2024-03-10' }],
        typedSearchAttributes: [{ key: RUN_KIND, value: 'daily' }],
      });
      await started.result();
      return started;
    });
    const result = (await handle.result()) as DailyLoadResult;
    const description = await handle.describe();
    assert.equal(description.typedSearchAttributes.get(BUSINESS_DATE), '2024-03-10');
    assert.equal(description.typedSearchAttributes.get(RUN_KIND), 'daily');
    assert.equal(description.typedSearchAttributes.get(OUTCOME), 'succeeded');
    const summary = description.memo?.summary as RunSummary;
    assert.equal(summary.outcome, 'succeeded');
    for (const s of result.sources) assert.deepEqual(summary.rows[s.source], [s.rowsRead, s.rowsLoaded, s.rowsQuarantined, s.rowsDeduplicated, s.rowsDropped, 0]);

    // The archive holds the landed bytes with their sha256.
    const manifest = JSON.parse(readFileSync(path.join(data.settings.dataDir, 'archive', '2024-03-10', 'manifest.json'), 'utf8'));
    assert.equal(manifest.files.length, 4);
    for (const f of manifest.files) {
      const landed = readFileSync(path.join(data.layout.landingDir('2024-03-10'), f.name));
      assert.equal(f.sha256, createHash('sha256').update(landed).digest('hex'), f.name);
    }

    await recordHistoryIfAsked(handle, 'dailyLoad-visibility.json');
  });

  it('re-archiving identical files is a no-op; different files for an archived day are refused before the warehouse changes', async () => {
    warehouse = await freshWarehouse();
    const data = testDataDir();
    await data.generate('2024-03-10', 60);
    const taskQueue = `orch-${randomUUID()}`;
    const worker = await productionWorker({ connection: testEnv().nativeConnection, taskQueue, settings: data.settings, warehouse });
    const manifestPath = path.join(data.settings.dataDir, 'archive', '2024-03-10', 'manifest.json');
    const start = (n: number) => testEnv().client.workflow.start('dailyLoad', {
      taskQueue, workflowId: `daily-2024-03-10-${taskQueue}-${n}`, args: [{ businessDate: '2024-03-10' }],
      typedSearchAttributes: [{ key: RUN_KIND, value: 'daily' }],
    });
    await worker.runUntil(async () => {
      await (await start(1)).result();
      const manifest = readFileSync(manifestPath, 'utf8');
      await (await start(2)).result();
      assert.equal(readFileSync(manifestPath, 'utf8'), manifest, 'the same files leave the archive as it was');

      const loaded = await tableChecksums(warehouse);
      // A changed export for a day already archived (one more, valid-looking line).
      const orders = data.layout.landingFile('2024-03-10', 'orders');
      const lines = readFileSync(orders, 'utf8').trimEnd().split('\n');
      appendFileSync(orders, `${lines.at(-1)!.replace(/^[0-9a-f]{8}/, 'ffffffff')}\n`);
      const third = await start(3);
      await assert.rejects(third.result(), (error: WorkflowFailedError) => {
        const cause = error.cause as Error & { cause?: Error & { type?: string; nonRetryable?: boolean } };
        assert.equal(cause.cause?.type, 'ArchiveConflict');
        assert.match(String(cause.cause?.message), /already holds different content for orders\.csv .*archives are never overwritten\. If the new files are a deliberate correction, move .* aside/);
        return true;
      });
      assert.equal(readFileSync(manifestPath, 'utf8'), manifest, 'the archive was not overwritten');
      assert.deepEqual(await tableChecksums(warehouse), loaded, 'the warehouse was not touched');
      assert.equal((await third.describe()).typedSearchAttributes.get(OUTCOME), 'failed');
      const summary = (await third.describe()).memo?.summary as RunSummary;
      assert.equal(summary.failedAt, 'archiving');
      assert.match(String(summary.nextStep), /a file or archive it names must be repaired first/);
    });
  });

  it('a run started without a business date and not by a Schedule fails saying how to start it', async () => {
    const data = testDataDir();
    const taskQueue = `orch-${randomUUID()}`;
    const worker = await productionWorker({ connection: testEnv().nativeConnection, taskQueue, settings: data.settings, warehouse: await freshWarehouse() });
    await worker.runUntil(async () => {
      await assert.rejects(testEnv().client.workflow.execute('dailyLoad', { taskQueue, workflowId: `daily-none-${taskQueue}`, args: [{}] }), (error: WorkflowFailedError) => {
        assert.match(String(error.cause?.message), /dailyLoad needs a business date: start it with input \{"businessDate": "YYYY-MM-DD"\}/);
        return true;
      });
    });
  });
});
