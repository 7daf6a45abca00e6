/**
 * A long backfill on the Java time-skipping test server: replayLoad over 12 archived days with the
 * real activities and the embedded warehouse, continuing as new every 3 days. Each run's history
 * must stay bounded by its own share of days (not grow with the range), and every day must be
 * loaded exactly once. 12 days, not more: each costs a whole day's load (24 took 83 s), and 12 are
 * enough for the bound below to tell four runs from one.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { archiveInputs } from '../../pipeline/archive/archiveInputs';
import type { ReplayLoadResult } from '../../workflows';
import { testDataDir } from '../helpers/pipeline';
import { productionWorker } from '../helpers/productionWorker';
import { freshWarehouse, rows, scalar } from '../helpers/warehouse';
import { useTimeSkippingServer } from '../helpers/timeSkippingEnv';

const DAYS = 12;
const PER_RUN = 3;
const FIRST = Date.parse('2024-01-26T00:00:00Z'); // 12 days over two months
const dates = Array.from({ length: DAYS }, (_, i) => new Date(FIRST + i * 86_400_000).toISOString().slice(0, 10));

describe('a long backfill: replayLoad over 12 days (time-skipping test server)', function () {
  this.timeout(300_000);
  const testEnv = useTimeSkippingServer();

  it('keeps every run\'s history bounded by continuing as new, and loads each day once', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    // Tiny days, archived the way dailyLoad archives them; landing is then emptied, so only the
    // archive can feed the backfill.
    for (const day of dates) {
      await data.generate(day, 20, 0);
      await archiveInputs(data.layout, day);
    }
    rmSync(`${data.settings.dataDir}/landing`, { recursive: true, force: true });

    const taskQueue = `backfill-${randomUUID()}`;
    const worker = await productionWorker({ connection: testEnv().nativeConnection, taskQueue, settings: data.settings, warehouse });
    const { result, eventsPerRun } = await worker.runUntil(async () => {
      const handle = await testEnv().client.workflow.start('replayLoad', {
        taskQueue,
        workflowId: `backfill-${taskQueue}`,
        args: [{ from: dates[0], to: dates[DAYS - 1], datesPerRun: PER_RUN }],
      });
      const result = (await handle.result()) as ReplayLoadResult;
      // Follow the chain of runs from the first: each continue-as-new names the next run.
      const eventsPerRun: number[] = [];
      for (let runId: string | undefined = handle.firstExecutionRunId; runId;) {
        const { events } = await testEnv().client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
        eventsPerRun.push(events?.length ?? 0);
        runId = events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
      }
      return { result, eventsPerRun };
    });

    assert.deepEqual(result, { to: dates[DAYS - 1], replayed: DAYS, lastDate: dates[DAYS - 1] });
    assert.equal(eventsPerRun.length, DAYS / PER_RUN, `one run per ${PER_RUN} days`);
    // A run's history depends on its own days only: a day costs a fixed handful of events (restore
    // activity, child workflow, their workflow tasks: 56 measured for a run of 3 days), so 20 a day
    // plus 10 for the run's start and listing bounds it.
    for (const [run, events] of eventsPerRun.entries()) assert.ok(events <= 20 * PER_RUN + 10, `run ${run + 1} holds ${events} events`);
    // Without continue-as-new one run would hold every day: at least 6 events each (restore
    // scheduled/started/completed, child initiated/started/completed), 72 for 12 days.
    assert.ok(Math.max(...eventsPerRun) < 6 * DAYS, `every run is below what one run of all days would need: ${eventsPerRun.join(', ')}`);

    // Each day loaded once: one successful run record per day, and no duplicated fact row.
    const runs = await rows<{ day: string; runs: number; succeeded: number }>(warehouse,
      "SELECT toString(business_date) AS day, count() AS runs, countIf(status = 'succeeded') AS succeeded FROM etl_runs FINAL GROUP BY day ORDER BY day");
    assert.deepEqual(runs.map((r) => [r.day, Number(r.runs), Number(r.succeeded)]), dates.map((d) => [d, 1, 1]));
    const loaded = await scalar(warehouse, "SELECT sum(rows_loaded) FROM etl_run_sources FINAL WHERE source = 'orders'");
    assert.ok(loaded > 0);
    assert.equal(await scalar(warehouse, 'SELECT count() FROM fact_sales'), loaded, 'fact rows = order lines recorded loaded, once each');
    assert.equal(await scalar(warehouse, 'SELECT uniqExact(business_date) FROM fact_sales'), DAYS);
  });
});
