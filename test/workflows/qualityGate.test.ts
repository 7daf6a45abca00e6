/**
 * The quality gate in dailyLoad on the Java time-skipping server with the real activities and the
 * embedded warehouse: a declared error check stops the load with the warehouse unchanged, the same
 * check as a warning lets it through, both alert a local webhook, and no row value reaches history.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createActivities } from '../../activities';
import { alertSettingsSchema } from '../../domain/settings/alerts';
import { parseQualityConfig } from '../../domain/settings/loadQualityConfig';
import type { Warehouse } from '../../clickhouse/client';
import type { DailyLoadInput, DailyLoadResult } from '../../workflows';
import { tableChecksums } from '../helpers/checksums';
import { testDataDir, type TestDataDir } from '../helpers/pipeline';
import { productionWorker } from '../helpers/productionWorker';
import { freshWarehouse, rows, scalar } from '../helpers/warehouse';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhookReceiver';
import { useTimeSkippingServer } from '../helpers/timeSkippingEnv';

const FIRST = '2024-03-10';
const SECOND = '2024-03-11';
/** The generator's most common cities: personal data that must stay out of workflow history. */
const CITIES = ['são paulo', 'rio de janeiro', 'belo horizonte', 'brasília', 'curitiba'];

describe('dailyLoad quality gate and alerts (time-skipping test server)', function () {
  this.timeout(120_000);
  const testEnv = useTimeSkippingServer();
  let receiver: WebhookReceiver;
  let warehouse: Warehouse;
  let data: TestDataDir;

  beforeEach(async () => {
    warehouse = await freshWarehouse();
    data = testDataDir();
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  /** Every boleto payment of the day becomes `not_defined`: valid for the contract, not for the declared check. */
  function undefinedPaymentTypes(day: string): void {
    const file = data.layout.landingFile(day, 'payments');
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll(',boleto,', ',not_defined,'));
  }

  function settings(severity: 'warn' | 'error') {
    return {
      ...data.settings,
      qualityChecks: parseQualityConfig({
        sources: { payments: [{ kind: 'accepted_values', column: 'payment_type', values: ['credit_card', 'boleto', 'voucher', 'debit_card'], severity }] },
      }),
      alerts: alertSettingsSchema.parse({ webhookUrl: `${receiver.url}/hooks/quality` }),
    };
  }

  async function runWorkflow(input: DailyLoadInput, severity: 'warn' | 'error') {
    const taskQueue = `test-${randomUUID()}`;
    const activities = createActivities({ settings: settings(severity), warehouse });
    const worker = await productionWorker({ connection: testEnv().nativeConnection, taskQueue, activities });
    const workflowId = `daily-${input.businessDate}-${taskQueue}`;
    const handle = await testEnv().client.workflow.start('dailyLoad', { taskQueue, workflowId, args: [input] });
    const outcome = await worker.runUntil(handle.result().then((r) => r as DailyLoadResult, (error: unknown) => error as WorkflowFailedError));
    return { outcome, history: payloadText(await handle.fetchHistory()) };
  }

  it('an error-severity failure stops the load: warehouse unchanged, report named, run recorded, alert sent', async () => {
    await data.generate(FIRST, 100);
    const first = await runWorkflow({ businessDate: FIRST }, 'error');
    assert.ok(!(first.outcome instanceof Error), `the first day loads: ${String(first.outcome)}`);
    const before = await tableChecksums(warehouse);

    await data.generate(SECOND, 100);
    undefinedPaymentTypes(SECOND);
    const { outcome, history } = await runWorkflow({ businessDate: SECOND }, 'error');
    assert.ok(outcome instanceof WorkflowFailedError, 'the workflow failed');
    const failure = outcome.cause as Error & { type?: string };
    assert.equal(failure.type, 'QualityGateFailed');
    const match = /^quality gate stopped the load of 2024-03-11; the warehouse was not touched\. Failed checks: payments_payment_type_accepted_values \(0\.\d+ > 0\)\. Report: (\S+\/reports\/2024-03-11\/runs\/[\w-]+\/quality\.html)$/.exec(failure.message);
    assert.ok(match, failure.message);
    assert.ok(existsSync(match[1]), 'the named HTML report exists');
    assert.match(readFileSync(match[1], 'utf8'), /payments_payment_type_accepted_values[\s\S]*not_defined/);

    assert.deepEqual(await tableChecksums(warehouse), before, 'no star table changed');
    for (const table of ['fact_sales', 'fact_payments', 'agg_daily_sales']) {
      assert.equal(await scalar(warehouse, `SELECT count() FROM ${table} WHERE business_date = {day:Date}`, { day: SECOND }), 0, table);
    }
    const [run] = await rows<{ run_id: string; status: string; quality_verdict: string }>(warehouse, 'SELECT run_id, status, quality_verdict FROM etl_runs FINAL WHERE business_date = {day:Date}', { day: SECOND });
    assert.deepEqual({ status: run.status, verdict: run.quality_verdict }, { status: 'failed', verdict: 'failed' });
    assert.equal(await scalar(warehouse, `SELECT count() FROM dq_results FINAL WHERE run_id = {run:String} AND check_name = 'payments_payment_type_accepted_values' AND outcome = 'fail'`, { run: run.run_id }), 1);

    const alerts = receiver.received.map((r) => JSON.parse(r.body));
    const alert = alerts.find((a) => a.businessDate === SECOND);
    assert.ok(alert, 'the failure was alerted');
    assert.equal(receiver.received.find((r) => JSON.parse(r.body).businessDate === SECOND)!.path, '/hooks/quality');
    assert.ok(alert.checks.some((c: { name: string; outcome: string }) => c.name === 'payments_payment_type_accepted_values' && c.outcome === 'fail'));
    assert.equal(alert.report, match[1]);

    for (const city of CITIES) assert.ok(!history.includes(city), `workflow history holds no customer city (${city})`);
    assert.ok(!history.includes('"samples"'), 'failing-row samples stay in the report on disk');
  });

  it('the same check as a warning lets the load through, flagged in the run record and alerted', async () => {
    await data.generate(FIRST, 100);
    undefinedPaymentTypes(FIRST);
    const { outcome } = await runWorkflow({ businessDate: FIRST }, 'warn');
    assert.ok(!(outcome instanceof Error), String(outcome));
    assert.equal(outcome.qualityVerdict, 'warned');
    assert.ok(await scalar(warehouse, 'SELECT count() FROM fact_payments WHERE business_date = {day:Date}', { day: FIRST }) > 0, 'the day was loaded');
    const [run] = await rows<{ status: string; quality_verdict: string; message: string }>(warehouse, 'SELECT status, quality_verdict, message FROM etl_runs FINAL');
    assert.equal(run.status, 'succeeded');
    assert.equal(run.quality_verdict, 'warned');
    assert.match(run.message, /^loaded with quality warnings: .*payments_payment_type_accepted_values \(0\.\d+ > 0\)/);
    const alert = JSON.parse(receiver.received.at(-1)!.body);
    assert.equal(alert.verdict, 'warned');
    assert.ok(alert.checks.some((c: { name: string; outcome: string }) => c.name === 'payments_payment_type_accepted_values' && c.outcome === 'warn'));
  });
});

/** Every payload of a history decoded as text: what a person sees in the Web UI. */
function payloadText(history: unknown): string {
  const texts: string[] = [];
  const walk = (value: unknown): void => {
    if (value instanceof Uint8Array) texts.push(Buffer.from(value).toString('utf8'));
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
    else if (typeof value === 'string') texts.push(value);
  };
  walk(history);
  return texts.join('\n');
}
