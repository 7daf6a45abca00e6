/**
 * Temporal Schedules on the dev server (the Java test server has none), started by the project's own
 * tooling with cartwheel's search attributes, a worker with the real activities and the embedded
 * warehouse: the daily schedule is created, updated in place, and a backfill of two business dates
 * loads exactly those dates, each run taking its date from the schedule's action time.
 */
import { strict as assert } from 'node:assert';
import { auditBackfillRequest } from '../../ops/schedule/auditBackfill';
import { upsertDailySchedule, backfillDailySchedule } from '../../ops/schedule/dailySchedule';
import { openWorkflows } from '../../ops/status/openWorkflows';
import { upsertIncrementalSchedule } from '../../ops/schedule/incrementalSchedule';
import type { IncrementalLoadResult } from '../../workflows';
import { BUSINESS_DATE, OUTCOME, RUN_KIND } from '../../workflows/searchAttributes';
import { devServerEnv, type DevServerEnv } from '../helpers/devServerEnv';
import { testDataDir } from '../helpers/pipeline';
import { productionWorker } from '../helpers/productionWorker';
import { freshWarehouse, rows } from '../helpers/warehouse';

describe('Schedules on the Temporal dev server', function () {
  this.timeout(300_000);
  let temporal: DevServerEnv;

  before(async () => {
    temporal = await devServerEnv();
  });
  after(async () => {
    await temporal?.teardown();
  });

  it('creates and updates the daily schedule; a backfill loads each date from its action time', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    const dates = ['2024-03-10', '2024-03-11'];
    for (const d of dates) await data.generate(d, 80);
    const { client } = temporal;
    const taskQueue = 'schedules';
    // Paused: the test drives it by backfill only, never by the clock.
    const options = { scheduleId: 'daily-load', taskQueue, hour: 2, minute: 0, catchupWindow: '1 hour', overlap: 'SKIP' as const, paused: true, searchAttributes: true };
    const first = await upsertDailySchedule(client, options);
    assert.equal(first.created, true);
    const second = await upsertDailySchedule(client, { ...options, hour: 3, minute: 30, catchupWindow: '6 hours', overlap: 'BUFFER_ONE' });
    assert.equal(second.created, false, 'the same id updates the schedule');
    const described = await second.handle.describe();
    assert.deepEqual([described.spec.calendars?.[0].hour, described.spec.calendars?.[0].minute], [[{ start: 3, end: 3, step: 1 }], [{ start: 30, end: 30, step: 1 }]]);
    assert.equal(described.policies.catchupWindow, 6 * 3_600_000);
    assert.equal(described.policies.overlap, 'BUFFER_ONE');

    const worker = await productionWorker({ connection: temporal.nativeConnection, namespace: temporal.namespace, taskQueue, settings: data.settings, warehouse });
    const runs = await worker.runUntil(async () => {
      await backfillDailySchedule(second.handle, dates[0], dates[1], { hour: 3, minute: 30 });
      // Wait for the two runs the backfill starts (BUFFER_ALL: one after the other) to finish.
      for (;;) {
        const found = [];
        for await (const wf of client.workflow.list({ query: `TemporalScheduledById = 'daily-load'` })) found.push(wf);
        if (found.length === 2 && found.every((wf) => wf.status.name !== 'RUNNING')) return found;
        if (found.some((wf) => wf.status.name === 'FAILED' || wf.status.name === 'TERMINATED')) return found;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    });
    assert.deepEqual(runs.map((r) => r.status.name), ['COMPLETED', 'COMPLETED']);
    assert.deepEqual(runs.map((r) => r.typedSearchAttributes.get(BUSINESS_DATE)).sort(), dates, 'each run loaded the day before its action time');
    for (const r of runs) {
      assert.equal(r.typedSearchAttributes.get(RUN_KIND), 'scheduled');
      assert.equal(r.typedSearchAttributes.get(OUTCOME), 'succeeded');
      assert.match(r.workflowId, /^daily-scheduled-2024-03-1[12]T03:30:00Z$/);
    }
    const loaded = await rows<{ d: string }>(warehouse, 'SELECT DISTINCT toString(business_date) AS d FROM fact_sales ORDER BY d');
    assert.deepEqual(loaded.map((r) => r.d), dates);

    // npm run schedule -- backfill audits the request in the warehouse.
    await auditBackfillRequest({ client: warehouse.client }, { scheduleId: 'daily-load', from: dates[0], to: dates[1] });
    const audited = await rows<{ action: string; target: string; outcome: string; workflow_id: string }>(warehouse, "SELECT action, target, outcome, workflow_id FROM audit_log WHERE action = 'backfill'");
    assert.deepEqual(audited, [{ action: 'backfill', target: '2024-03-10..2024-03-11', outcome: 'succeeded', workflow_id: 'daily-load' }]);
    await second.handle.delete();
  });

  it('npm run status lists a run still waiting for its files, with business date and run kind', async () => {
    const data = testDataDir();
    const { client } = temporal;
    const taskQueue = 'status';
    const worker = await productionWorker({ connection: temporal.nativeConnection, namespace: temporal.namespace, taskQueue, settings: data.settings, warehouse: await freshWarehouse() });
    await worker.runUntil(async () => {
      // No files landed for this date: the run waits (hours, by default) and stays open.
      const handle = await client.workflow.start('dailyLoad', { taskQueue, workflowId: 'daily-2024-05-01', args: [{ businessDate: '2024-05-01' }], typedSearchAttributes: [{ key: RUN_KIND, value: 'daily' }] });
      try {
        for (;;) {
          const open = await openWorkflows(client, 10);
          const mine = open.find((w) => w.workflowId === 'daily-2024-05-01');
          if (mine?.businessDate) {
            assert.deepEqual([mine.type, mine.businessDate, mine.runKind], ['dailyLoad', '2024-05-01', 'daily']);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 300)); // visibility is eventually consistent
        }
      } finally {
        await handle.terminate('test done');
      }
    });
  });

  it('the incremental schedule runs every N minutes skipping overlaps; a triggered run loads the new day', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    await data.generate('2024-06-01', 60);
    const { client } = temporal;
    const taskQueue = 'incremental';
    const { handle } = await upsertIncrementalSchedule(client, { scheduleId: 'incremental-load', taskQueue, everyMinutes: 15, paused: true, searchAttributes: true });
    const described = await handle.describe();
    assert.equal(described.spec.intervals?.[0].every, 15 * 60_000);
    assert.equal(described.policies.overlap, 'SKIP');
    const worker = await productionWorker({ connection: temporal.nativeConnection, namespace: temporal.namespace, taskQueue, settings: data.settings, warehouse });
    const result = await worker.runUntil(async () => {
      await handle.trigger();
      for (;;) {
        const runs = (await handle.describe()).info.recentActions;
        if (runs.length > 0) {
          const started = runs[0].action;
          return (await client.workflow.getHandle(started.workflow.workflowId, started.workflow.firstExecutionRunId).result()) as IncrementalLoadResult;
        }
        await new Promise((resolve) => setTimeout(resolve, 300)); // the schedule starts the run asynchronously
      }
    });
    assert.deepEqual(result, { loaded: ['2024-06-01'], failed: [], busy: [] });
    await handle.delete();
  });
});
