/**
 * Threshold alerts: the log always, the webhook against a local HTTP receiver, failures that name the
 * webhook without its secret path, and the alert level (warnings, or failures only).
 */
import { strict as assert } from 'node:assert';
import { createActivities } from '../../activities';
import type { AlertInput } from '../../pipeline/notify/alert';
import { alertSettingsSchema } from '../../domain/settings/alerts';
import { notifyQuality, type AlertResult } from '../../pipeline/notify/notifyQuality';
import { WebhookNotifier } from '../../pipeline/notify/webhookNotifier';
import type { CheckResult } from '../../pipeline/gate/checks';
import { activityEnvironment } from '../helpers/activityEnvironment';
import { freePort } from '../../ops/stack/freePort';
import { testDataDir } from '../helpers/pipeline';
import { testWarehouse } from '../helpers/warehouse';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhookReceiver';

const SECRET_PATH = '/hooks/T0001/B0002/s3cr3t-token';

function check(name: string, outcome: CheckResult['outcome']): CheckResult {
  return {
    name, kind: 'null_share', source: 'orders', dimension: 'completeness', target: `orders.${name}`,
    observed: outcome === 'pass' ? 0 : 0.3, threshold: 0.2, unit: 'share', severity: outcome === 'fail' ? 'error' : 'warn', outcome,
  };
}

const run = (checks: CheckResult[]): AlertInput => ({
  businessDate: '2024-03-10', workflowId: 'daily-2024-03-10', runId: 'run-1', verdict: checks.some((c) => c.outcome === 'fail') ? 'failed' : 'warned',
  report: '/data/reports/2024-03-10/runs/run-1/quality.html', checks,
});

describe('quality alerts', function () {
  this.timeout(30_000);
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  function logger() {
    const lines: { message: string; attributes?: Record<string, unknown> }[] = [];
    return { lines, warn: (message: string, attributes?: Record<string, unknown>) => void lines.push({ message, attributes }) };
  }

  it('POSTs the checks over threshold to the webhook as JSON, and logs them', async () => {
    const log = logger();
    const webhook = new WebhookNotifier(`${receiver.url}${SECRET_PATH}`, 5_000);
    const result = await notifyQuality(run([check('a_pass', 'pass'), check('b_warn', 'warn'), check('c_fail', 'fail')]), { on: 'warn', notifiers: [webhook], logger: log });

    assert.deepEqual(result, { checks: 2, delivered: ['log', `webhook ${receiver.url}`] });
    assert.equal(receiver.received.length, 1);
    const [request] = receiver.received;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, SECRET_PATH);
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['idempotency-key'], 'quality-run-1');
    const body = JSON.parse(request.body);
    assert.equal(body.event, 'cartwheel.quality.alert');
    assert.equal(body.verdict, 'failed');
    assert.equal(body.report, '/data/reports/2024-03-10/runs/run-1/quality.html');
    assert.deepEqual(body.checks.map((c: CheckResult) => [c.name, c.outcome]), [['b_warn', 'warn'], ['c_fail', 'fail']]);
    assert.match(body.text, /^cartwheel quality failed for 2024-03-10: 2 checks over threshold: b_warn warn \(30\.00 % > 20\.00 %\); c_fail fail/);

    assert.equal(log.lines.length, 1);
    assert.equal(log.lines[0].message, body.text);
    assert.deepEqual(log.lines[0].attributes?.checks, ['b_warn', 'c_fail']);
  });

  it('alerts on failures only when configured so, and not at all when nothing crossed', async () => {
    const webhook = new WebhookNotifier(receiver.url, 5_000);
    const log = logger();
    assert.equal((await notifyQuality(run([check('b_warn', 'warn')]), { on: 'fail', notifiers: [webhook], logger: log })).checks, 0);
    assert.equal((await notifyQuality(run([check('a_pass', 'pass')]), { on: 'warn', notifiers: [webhook], logger: log })).checks, 0);
    assert.equal(receiver.received.length, 0);
    assert.equal(log.lines.length, 0);
    await notifyQuality(run([check('b_warn', 'warn'), check('c_fail', 'fail')]), { on: 'fail', notifiers: [webhook], logger: log });
    assert.deepEqual(JSON.parse(receiver.received[0].body).checks.map((c: CheckResult) => c.name), ['c_fail']);
  });

  it('fails when the webhook answers an error or cannot be reached, naming it without the secret path, after logging', async () => {
    receiver.status = 500;
    const log = logger();
    await assert.rejects(
      notifyQuality(run([check('c_fail', 'fail')]), { on: 'warn', notifiers: [new WebhookNotifier(`${receiver.url}${SECRET_PATH}`, 5_000)], logger: log }),
      (error: Error) => {
        assert.equal(error.message, `quality alert for 2024-03-10 not delivered: webhook ${receiver.url} answered HTTP 500`);
        return true;
      },
    );
    assert.equal(log.lines.length, 1, 'the log got the alert although the webhook did not');

    const closed = `http://127.0.0.1:${await freePort()}${SECRET_PATH}`;
    await assert.rejects(new WebhookNotifier(closed, 5_000).notify({ ...run([]), id: 'x', text: 'x' }), (error: Error) => {
      assert.match(error.message, /^webhook http:\/\/127\.0\.0\.1:\d+ unreachable: ECONNREFUSED$/);
      assert.ok(!error.message.includes('s3cr3t'));
      return true;
    });
  });

  it('the notifyQuality activity uses the webhook from the settings, and refuses a non-http URL', async () => {
    const data = testDataDir();
    const alerts = alertSettingsSchema.parse({ webhookUrl: `${receiver.url}${SECRET_PATH}` });
    const activities = createActivities({ settings: { ...data.settings, alerts }, warehouse: await testWarehouse() });
    const result = (await activityEnvironment().run(activities.notifyQuality, run([check('c_fail', 'fail')]))) as AlertResult;
    assert.equal(result.checks, 1);
    assert.equal(receiver.received.length, 1);

    const invalid = alertSettingsSchema.safeParse({ webhookUrl: 'file:///etc/passwd' });
    assert.equal(invalid.success, false);
    assert.ok(!JSON.stringify(invalid.error?.issues).includes('passwd'), 'the error does not echo the URL');
  });
});
