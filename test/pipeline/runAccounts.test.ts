/**
 * Every run accounts for every row and says why: gate-stopped, refused and successful runs of
 * dailyLoad through the time-skipping test server and the real activities, then one check over all
 * run records of the warehouse (read = loaded + quarantined + deduplicated + dropped + held back).
 * The run memo (what the Web UI and npm run status show) says the same: rows held back and why, the
 * refused file, the checks that warned or failed (names and observed against threshold, no row value).
 * Also: a failed run's memo and record name the cause, and a bad business date fails at once.
 */
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createActivities } from '../../activities';
import { parseQualityConfig } from '../../domain/settings/loadQualityConfig';
import { recentRuns } from '../../ops/status/recentRuns';
import type { Warehouse } from '../../clickhouse/client';
import type { DailyLoadInput } from '../../workflows';
import type { RunSummary } from '../../workflows/runSummary';
import { RUN_KIND } from '../../workflows/searchAttributes';
import { testDataDir, type TestDataDir } from '../helpers/pipeline';
import { productionWorker } from '../helpers/productionWorker';
import { useTimeSkippingServer } from '../helpers/timeSkippingEnv';
import { freshWarehouse, rows } from '../helpers/warehouse';

interface SourceRow {
  run_id: string;
  status: string;
  source: string;
  rows_read: number;
  rows_loaded: number;
  rows_quarantined: number;
  rows_deduplicated: number;
  rows_dropped: number;
  rows_held_back: number;
  held_back_reason: string;
  refused: string;
}

/** Every source row of every run record in the warehouse, with its run's status. */
function runSources(warehouse: Warehouse): Promise<SourceRow[]> {
  return rows<SourceRow>(warehouse, `
    SELECT r.run_id AS run_id, r.status AS status, s.source AS source, s.rows_read AS rows_read, s.rows_loaded AS rows_loaded,
           s.rows_quarantined AS rows_quarantined, s.rows_deduplicated AS rows_deduplicated, s.rows_dropped AS rows_dropped,
           s.rows_held_back AS rows_held_back, s.held_back_reason AS held_back_reason, s.refused AS refused
    FROM (SELECT * FROM etl_runs FINAL) AS r
    LEFT JOIN (SELECT * FROM etl_run_sources FINAL) AS s ON s.run_id = r.run_id
    ORDER BY r.run_id, s.source`);
}

/** The rows a source read (asserted > 0 by the caller's shape check). */
function s0(sources: SourceRow[], source: string): number {
  const read = sources.find((s) => s.source === source)!.rows_read;
  assert.ok(read > 0, `${source} has rows`);
  return read;
}

describe('run accounts: every row of every run accounted for (time-skipping test server)', function () {
  this.timeout(300_000);
  const testEnv = useTimeSkippingServer({ searchAttributes: true });
  let warehouse: Warehouse;
  const runs = new Map<string, { runId: string; outcome: 'succeeded' | 'failed'; memo?: RunSummary; error?: WorkflowFailedError }>();

  before(async () => {
    warehouse = await freshWarehouse();
  });

  async function run(name: string, data: TestDataDir, input: DailyLoadInput) {
    const taskQueue = `accounts-${randomUUID()}`;
    const worker = await productionWorker({ connection: testEnv().nativeConnection, taskQueue, settings: data.settings, warehouse });
    const handle: WorkflowHandleWithFirstExecutionRunId = await worker.runUntil(async () => {
      const started = await testEnv().client.workflow.start('dailyLoad', {
        taskQueue, workflowId: `daily-${input.businessDate}-${taskQueue}`, args: [input],
        typedSearchAttributes: [{ key: RUN_KIND, value: 'daily' }],
      });
      await started.result().catch(() => undefined);
      return started;
    });
    const error = await handle.result().then(() => undefined, (e: WorkflowFailedError) => e);
    const memo = (await handle.describe()).memo?.summary as RunSummary | undefined;
    runs.set(name, { runId: handle.firstExecutionRunId, outcome: error ? 'failed' : 'succeeded', memo, error });
    return runs.get(name)!;
  }

  it('a successful day holds nothing back', async () => {
    const data = testDataDir();
    await data.generate('2024-03-10', 100);
    const { outcome } = await run('succeeded', data, { businessDate: '2024-03-10' });
    assert.equal(outcome, 'succeeded');
  });

  it('a gate-stopped day holds back every row it read and kept, saying it was the quality gate', async () => {
    const data = testDataDir();
    await data.generate('2024-03-11', 200, 0.1);
    const { runId, outcome, memo } = await run('gate', data, { businessDate: '2024-03-11' });
    assert.equal(outcome, 'failed');
    const sources = (await runSources(warehouse)).filter((s) => s.run_id === runId);
    assert.deepEqual(sources.map((s) => s.source), ['customers', 'orders', 'payments', 'products']);
    for (const s of sources) {
      assert.equal(s.rows_loaded, 0);
      assert.ok(s.rows_held_back > 0, `${s.source} held back its rows`);
      assert.match(s.held_back_reason, /^quality gate stopped the load: .*orders_quarantined_share/);
      // The memo holds the run record's counts: read, loaded, quarantined, deduplicated, dropped, held back.
      assert.deepEqual(memo?.rows[s.source], [s.rows_read, s.rows_loaded, s.rows_quarantined, s.rows_deduplicated, s.rows_dropped, s.rows_held_back], s.source);
    }
    assert.equal(memo?.outcome, 'quality_failed');
    assert.match(String(memo?.heldBack), /^quality gate stopped the load: .*orders_quarantined_share/);
    assert.ok(memo?.checks?.some((c) => /^orders_quarantined_share \(.*\): [\d.]+ > [\d.]+ share, fail$/.test(c)), `the memo names the failed check: ${memo?.checks}`);
  });

  it("a warned run's memo names the check that warned, observed against threshold, and no row value", async () => {
    const data = testDataDir();
    await data.generate('2024-03-16', 100);
    // Every boleto payment becomes `not_defined`: valid for the contract, not for this declared warning.
    const payments = data.layout.landingFile('2024-03-16', 'payments');
    writeFileSync(payments, readFileSync(payments, 'utf8').replaceAll(',boleto,', ',not_defined,'));
    data.settings.qualityChecks = parseQualityConfig({
      sources: { payments: [{ kind: 'accepted_values', column: 'payment_type', values: ['credit_card', 'boleto', 'voucher', 'debit_card'], severity: 'warn' }] },
    });
    const { outcome, memo } = await run('warned', data, { businessDate: '2024-03-16' });
    assert.equal(outcome, 'succeeded');
    assert.equal(memo?.qualityVerdict, 'warned');
    assert.ok(memo?.checks?.some((c) => /^payments_payment_type_accepted_values \(payments\.payment_type .*\): 0\.\d+ > 0 share, warn$/.test(c)), `the memo names the warned check: ${memo?.checks}`);
    assert.match(String(memo?.nextStep), /the checks listed warned: see \S+\/reports\/2024-03-16\/runs\/[\w-]+\/quality\.html /);
    assert.ok(!JSON.stringify(memo).includes('not_defined'), 'no row value in the memo');
    assert.equal(memo?.heldBack, undefined, 'a loaded run holds nothing back');
  });

  it('a refused file writes its source row with the reason; the other sources are held back', async () => {
    const data = testDataDir();
    await data.generate('2024-03-12', 60);
    const products = data.layout.landingFile('2024-03-12', 'products');
    writeFileSync(products, readFileSync(products, 'utf8').replace('product_weight_g', 'weight'));
    const { runId, outcome, memo, error } = await run('refused-header', data, { businessDate: '2024-03-12' });
    assert.equal(outcome, 'failed');
    const cause = /products\.csv line 1: header does not match the products contract; missing columns: product_weight_g; unknown columns: weight/;
    // The memo and the run record say the cause, not "Activity task failed".
    assert.match(String(memo?.error), cause);
    const [record] = await rows<{ message: string }>(warehouse, 'SELECT message FROM etl_runs FINAL WHERE run_id = {runId:String}', { runId });
    assert.match(record.message, cause);
    assert.ok(error);
    const sources = (await runSources(warehouse)).filter((s) => s.run_id === runId);
    assert.deepEqual(sources.map((s) => s.source), ['customers', 'orders', 'payments', 'products']);
    const refused = sources.find((s) => s.source === 'products')!;
    assert.match(refused.refused, cause);
    assert.equal(refused.rows_read, 0);
    for (const s of sources.filter((s) => s.source !== 'products')) {
      assert.equal(s.refused, '');
      assert.ok(s.rows_held_back > 0);
      assert.match(s.held_back_reason, /another source of the day was refused/);
      assert.equal(memo?.rows[s.source][5], s.rows_held_back, `the memo shows what ${s.source} held back`);
    }
    assert.match(String(memo?.heldBack), /another source of the day was refused/);
    assert.match(String(memo?.refused?.products), cause);
  });

  it('a file that is not UTF-8 and a file that never lands are refused sources too', async () => {
    const data = testDataDir();
    await data.generate('2024-03-13', 60);
    const customers = data.layout.landingFile('2024-03-13', 'customers');
    const bytes = readFileSync(customers);
    writeFileSync(customers, Buffer.concat([bytes.subarray(0, bytes.length - 10), Buffer.from([0xff, 0xfe]), bytes.subarray(bytes.length - 10)]));
    const notUtf8 = await run('refused-utf8', data, { businessDate: '2024-03-13' });
    assert.equal(notUtf8.outcome, 'failed');
    const [customersRow] = (await runSources(warehouse)).filter((s) => s.run_id === notUtf8.runId && s.source === 'customers');
    assert.match(customersRow.refused, /UTF-8/);

    const late = testDataDir();
    await late.generate('2024-03-14', 40);
    const payments = late.layout.landingFile('2024-03-14', 'payments');
    renameSync(payments, `${payments}.gone`);
    const missing = await run('refused-missing', late, { businessDate: '2024-03-14', lateFileTimeout: '1 hour' });
    assert.equal(missing.outcome, 'failed');
    const sources = (await runSources(warehouse)).filter((s) => s.run_id === missing.runId);
    assert.deepEqual(sources.map((s) => [s.source, s.rows_read]), [['payments', 0]]);
    assert.match(sources[0].refused, /did not land in time/);
  });

  it('a header-only orders file is a day without sales: the run succeeds with a warning, loads nothing and holds back the rest', async () => {
    const data = testDataDir();
    await data.generate('2024-03-15', 40);
    for (const source of ['orders', 'payments'] as const) {
      const file = data.layout.landingFile('2024-03-15', source);
      writeFileSync(file, `${readFileSync(file, 'utf8').split('\n')[0]}\n`);
    }
    const facts = async () => rows<{ n: number }>(warehouse, "SELECT count() AS n FROM fact_sales WHERE business_date = '2024-03-15'");
    const { runId, outcome, memo } = await run('no-sales', data, { businessDate: '2024-03-15' });
    assert.equal(outcome, 'succeeded');
    assert.equal(memo?.qualityVerdict, 'warned');
    const [record] = await rows<{ status: string; quality_verdict: string; message: string }>(warehouse, 'SELECT status, quality_verdict, message FROM etl_runs FINAL WHERE run_id = {runId:String}', { runId });
    assert.deepEqual([record.status, record.quality_verdict], ['succeeded', 'warned']);
    assert.match(record.message, /^no sales on 2024-03-15: .*orders\.csv has a header and no rows, so nothing of the day was loaded \(warning\)/);
    assert.equal(Number((await facts())[0].n), 0);
    const sources = (await runSources(warehouse)).filter((s) => s.run_id === runId);
    assert.deepEqual(sources.map((s) => [s.source, s.rows_read, s.rows_loaded]), [['customers', s0(sources, 'customers'), 0], ['orders', 0, 0], ['payments', 0, 0], ['products', s0(sources, 'products'), 0]]);
    for (const s of sources.filter((s) => s.rows_read > 0)) assert.match(s.held_back_reason, /^a day without sales loads nothing/);
    assert.match(String(memo?.warning), /^no sales on 2024-03-15/);
    assert.match(String(memo?.heldBack), /^a day without sales loads nothing/);
    assert.equal(memo?.rows.customers[5], s0(sources, 'customers'), 'the memo shows the customers held back');
  });

  it('conservation holds for every run record of the warehouse, and a stopped run says why it held rows back', async () => {
    const all = await runSources(warehouse);
    const recorded = new Set(all.map((s) => s.run_id));
    for (const [name, { runId, memo }] of runs) {
      assert.ok(recorded.has(runId), `the ${name} run has a run record`);
      for (const [source, [read, ...parts]] of Object.entries(memo?.rows ?? {})) {
        assert.equal(read, parts.reduce((a, b) => a + b, 0), `the ${name} run's memo accounts for every ${source} row`);
      }
    }
    assert.ok(all.some((s) => s.status === 'succeeded') && all.some((s) => s.rows_held_back > 0) && all.some((s) => s.refused !== ''), 'succeeded, held-back and refused runs are all covered');
    for (const s of all) {
      assert.ok(s.source, `run ${s.run_id} (${s.status}) has source rows`);
      assert.equal(s.rows_read, s.rows_loaded + s.rows_quarantined + s.rows_deduplicated + s.rows_dropped + s.rows_held_back, `${s.run_id} ${s.source}: ${JSON.stringify(s)}`);
      if (s.rows_held_back > 0) assert.ok(s.held_back_reason, `${s.run_id} ${s.source} says why it held rows back`);
      if (s.status === 'succeeded' && s.rows_held_back > 0) assert.match(s.held_back_reason, /^a day without sales/, 'a successful run holds back only a day without sales');
    }
    // npm run status shows them: what a stopped run held back, and which file it refused.
    const listed = new Map((await recentRuns(warehouse.client, 50)).map((r) => [r.runId, r]));
    const refusedRun = listed.get(runs.get('refused-header')!.runId)!;
    assert.equal(refusedRun.refused, 'products');
    assert.equal(refusedRun.rowsRead, refusedRun.rowsQuarantined + refusedRun.rowsDeduplicated + refusedRun.rowsDropped + refusedRun.rowsHeldBack);
    assert.ok(refusedRun.rowsHeldBack > 0);
    assert.equal(listed.get(runs.get('succeeded')!.runId)!.rowsHeldBack, 0);
  });

  it('a business date that is not a date fails at once, without retries, with the message of its check', async () => {
    const data = testDataDir();
    const taskQueue = `accounts-${randomUUID()}`;
    const worker = await productionWorker({ connection: testEnv().nativeConnection, taskQueue, settings: data.settings, warehouse });
    const handle = await worker.runUntil(async () => {
      const started = await testEnv().client.workflow.start('dailyLoad', { taskQueue, workflowId: `daily-bad-${taskQueue}`, args: [{ businessDate: '../../etc' }] });
      await started.result().catch(() => undefined);
      return started;
    });
    await assert.rejects(handle.result(), (error: WorkflowFailedError) => {
      assert.ok(error.cause instanceof ApplicationFailure);
      assert.equal(error.cause.type, 'InvalidBusinessDate');
      assert.equal(error.cause.message, 'business date "../../etc" must be a calendar date YYYY-MM-DD');
      return true;
    });
    const { events } = await handle.fetchHistory();
    assert.equal((events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).length, 0, 'no activity ran, so none was retried');

    // The activities refuse it the same way, non-retryably, should anything else send it.
    const activities = createActivities({ settings: data.settings, warehouse });
    await assert.rejects(activities.checkLanding('../../etc'), (error: unknown) => {
      assert.ok(error instanceof ApplicationFailure);
      assert.equal(error.type, 'InvalidBusinessDate');
      assert.equal(error.nonRetryable, true);
      assert.equal(error.message, 'business date "../../etc" must be a calendar date YYYY-MM-DD');
      return true;
    });
  });
});
