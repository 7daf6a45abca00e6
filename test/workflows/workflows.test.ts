/**
 * dailyLoad on the Java time-skipping test server, with the real activities and the chDB server
 * warehouse: retries, late files, the quality gate and bad files, in seconds of wall time.
 */
import { Context } from '@temporalio/activity';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createActivities, type Activities } from '../../activities';
import type { Warehouse } from '../../clickhouse/client';
import type { DailyLoadInput, DailyLoadResult } from '../../workflows';
import { tableChecksums } from '../helpers/checksums';
import { testDataDir, type TestDataDir } from '../helpers/pipeline';
import { productionWorker } from '../helpers/productionWorker';
import { freshServerWarehouse, rows } from '../helpers/warehouse';
import { useTimeSkippingServer } from '../helpers/timeSkippingEnv';

describe('dailyLoad workflow (time-skipping test server)', function () {
  this.timeout(120_000);
  const testEnv = useTimeSkippingServer();
  let warehouse: Warehouse;
  let data: TestDataDir;

  beforeEach(async () => {
    warehouse = await freshServerWarehouse('cartwheel_workflows');
    data = testDataDir();
  });

  async function runWorkflow(input: DailyLoadInput, activities: Activities = createActivities({ settings: data.settings, warehouse }), during?: (handle: WorkflowHandle) => Promise<void>) {
    const taskQueue = `test-${randomUUID()}`;
    const worker = await productionWorker({ connection: testEnv().nativeConnection, taskQueue, activities });
    return worker.runUntil(async () => {
      const handle = await testEnv().client.workflow.start('dailyLoad', { taskQueue, workflowId: `daily-${input.businessDate}-${taskQueue}`, args: [input] });
      await during?.(handle);
      return (await handle.result()) as DailyLoadResult;
    });
  }

  it('retries an activity that fails twice and succeeds on the third attempt', async () => {
    await data.generate('2024-03-10', 100);
    const real = createActivities({ settings: data.settings, warehouse });
    const attempts: number[] = [];
    const flaky: Activities = {
      ...real,
      async ingestSource(input) {
        if (input.source === 'orders') {
          attempts.push(Context.current().info.attempt);
          if (Context.current().info.attempt < 3) throw new Error('transient: disk briefly unavailable');
        }
        return real.ingestSource(input);
      },
    };
    const result = await runWorkflow({ businessDate: '2024-03-10' }, flaky);
    assert.deepEqual(attempts, [1, 2, 3]);
    assert.equal(result.qualityVerdict === 'failed', false);
    assert.ok(result.sources.find((s) => s.source === 'orders')!.rowsLoaded > 0);
  });

  it('waits hours for a late file: three hours of workflow time, polled by timers, not by waiting', async () => {
    await data.generate('2024-03-10', 100);
    const orders = data.layout.landingFile('2024-03-10', 'orders');
    renameSync(orders, `${orders}.late`);
    const wallStart = Date.now();
    let handle: WorkflowHandle | undefined;
    const result = await runWorkflow({ businessDate: '2024-03-10', lateFilePollInterval: '10 minutes' }, undefined, async (started) => {
      handle = started;
      await testEnv().sleep('3 hours');
      renameSync(`${orders}.late`, orders);
    });
    // Workflow time and history, not the wall clock: the wait is timers that the server skipped.
    const { events } = await handle!.fetchHistory();
    const timers = (events ?? []).filter((e) => e.timerStartedEventAttributes);
    assert.ok(timers.length >= 18, `${timers.length} ten-minute polls cover three hours`);
    for (const timer of timers) assert.equal(Number(timer.timerStartedEventAttributes!.startToFireTimeout!.seconds), 600);
    const startedMs = Number(events![0].eventTime!.seconds) * 1000;
    const closedMs = Number(events![events!.length - 1].eventTime!.seconds) * 1000;
    assert.ok(closedMs - startedMs >= 3 * 3_600_000, `three hours of workflow time passed (${closedMs - startedMs} ms)`);
    // Generous: without time skipping this would take three hours; on a busy machine a few seconds.
    assert.ok(Date.now() - wallStart < 90_000, 'the three-hour wait was skipped, not waited out');
    assert.ok(result.sources.every((s) => s.rowsRead > 0));
  });

  it('fails with a message naming the missing files when they never land', async () => {
    await data.generate('2024-03-10', 50);
    renameSync(data.layout.landingFile('2024-03-10', 'payments'), `${data.layout.landingFile('2024-03-10', 'payments')}.gone`);
    await assert.rejects(runWorkflow({ businessDate: '2024-03-10', lateFileTimeout: '2 hours' }), (error: WorkflowFailedError) => {
      assert.match(String(error.cause?.message), /did not land in time: missing payments in .*landing\/2024-03-10/);
      return true;
    });
  });

  it('stops at the quality gate: the workflow fails, the warehouse is unchanged, the run is recorded', async () => {
    await data.generate('2024-03-10', 200, 0.1);
    const before = await tableChecksums(warehouse);
    await assert.rejects(runWorkflow({ businessDate: '2024-03-10' }), (error: WorkflowFailedError) => {
      assert.match(String(error.cause?.message), /quality gate stopped the load of 2024-03-10; the warehouse was not touched\. Failed checks: .*orders_quarantined_share/);
      return true;
    });
    assert.deepEqual(await tableChecksums(warehouse), before);
    const [run] = await rows<{ status: string; quality_verdict: string; kind: string }>(warehouse, 'SELECT status, quality_verdict, kind FROM etl_runs FINAL');
    assert.deepEqual(run, { status: 'failed', quality_verdict: 'failed', kind: 'daily' });
  });

  it('records the kind of run its starter names (here: a replay child)', async () => {
    await data.generate('2024-03-10', 100, 0);
    await runWorkflow({ businessDate: '2024-03-10', runKind: 'replay' });
    const [run] = await rows<{ kind: string }>(warehouse, 'SELECT kind FROM etl_runs FINAL');
    assert.equal(run.kind, 'replay');
    const [audit] = await rows<{ action: string }>(warehouse, "SELECT action FROM audit_log WHERE action != 'schema_change'");
    assert.equal(audit.action, 'replay');
  });

  it('fails without retrying when a file does not match its contract, naming the file', async () => {
    await data.generate('2024-03-10', 50);
    const file = data.layout.landingFile('2024-03-10', 'products');
    writeFileSync(file, readFileSync(file, 'utf8').replace('product_weight_g', 'weight'));
    const attempts: number[] = [];
    const real = createActivities({ settings: data.settings, warehouse });
    const counted: Activities = {
      ...real,
      async ingestSource(input) {
        if (input.source === 'products') attempts.push(Context.current().info.attempt);
        return real.ingestSource(input);
      },
    };
    await assert.rejects(runWorkflow({ businessDate: '2024-03-10' }, counted), (error: WorkflowFailedError) => {
      const activityFailure = error.cause as (Error & { cause?: Error }) | undefined;
      const message = String(activityFailure?.cause?.message ?? activityFailure?.message);
      assert.match(message, /products\.csv line 1: header does not match the products contract; missing columns: product_weight_g; unknown columns: weight/);
      return true;
    });
    assert.deepEqual(attempts, [1]);
  });
});
