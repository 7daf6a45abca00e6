/**
 * Secrets never reach logs or error messages: real worker processes (`npm run worker`'s entry
 * point) are started with a ClickHouse password, credentials in CLICKHOUSE_URL, a webhook URL whose
 * path is a token and a payload key, then made to fail the ways a misconfigured deployment does.
 * Everything they print is captured and searched for each secret.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { freePort } from '../../ops/stack/freePort';
import { tempDir } from '../helpers/tempDirs';

const REPO = path.resolve(__dirname, '..', '..');
const SECRETS = {
  clickhousePassword: 'pw-S3cr3t-clickhouse',
  urlPassword: 'url-S3cr3t-in-url',
  webhookToken: 'tok-S3cr3t-webhook-path',
  payloadKey: randomBytes(32).toString('base64'),
};
const secretEnv = {
  CLICKHOUSE_USER: 'loader',
  CLICKHOUSE_PASSWORD: SECRETS.clickhousePassword,
  CARTWHEEL_ALERT_WEBHOOK_URL: `https://hooks.example.com/services/${SECRETS.webhookToken}`,
  CARTWHEEL_PAYLOAD_KEY: `k-2026:${SECRETS.payloadKey}`,
};

/** Run the worker entry point with the given environment (and none of the caller's cartwheel settings). */
function runWorker(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CARTWHEEL_|CLICKHOUSE_|TEMPORAL_)/.test(k)));
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'workers/main.ts'], { cwd: REPO, env: { ...base, TZ: 'UTC', ...env } });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

function assertNoSecret(output: string): void {
  for (const [name, secret] of Object.entries(SECRETS)) assert.ok(!output.includes(secret), `${name} appears in the output:\n${output}`);
}

describe('security: secrets never appear in logs or errors', function () {
  this.timeout(120_000);

  it('a worker that cannot reach its ClickHouse server names it without credentials', async () => {
    const port = await freePort();
    const { code, output } = await runWorker({
      ...secretEnv,
      CLICKHOUSE_URL: `http://loader:${SECRETS.urlPassword}@127.0.0.1:${port}/`,
      CARTWHEEL_DATA_DIR: tempDir('logs-server'),
      // Two retries, quickly: their log lines must hold no secret either.
      CARTWHEEL_WAREHOUSE_OPEN_ATTEMPTS: '3',
      CARTWHEEL_WAREHOUSE_OPEN_DELAY_MS: '50',
    });
    assert.equal(code, 1, output);
    assert.equal(output.match(/warehouse unavailable \(attempt \d of 3\), retrying/g)?.length, 2, output);
    assert.match(output, new RegExp(`worker failed: warehouse unavailable after 3 attempts over [\\d.]+ s: cannot open database cartwheel on ClickHouse at http://\\*\\*\\*:\\*\\*\\*@127\\.0\\.0\\.1:${port}/`));
    assertNoSecret(output);
  });

  it('a worker with the default warehouse (its own chDB server) that cannot reach Temporal fails without printing a secret', async () => {
    const port = await freePort();
    const { code, output } = await runWorker({
      ...secretEnv,
      CARTWHEEL_DATA_DIR: tempDir('logs-local-server'),
      CARTWHEEL_CLICKHOUSE_HTTP_PORT: '0',
      CARTWHEEL_CLICKHOUSE_TCP_PORT: '0',
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    });
    assert.equal(code, 1, output);
    // It got past configuration and the warehouse to the Temporal connection.
    assert.match(output, new RegExp(`worker failed: Temporal at 127\\.0\\.0\\.1:${port} does not answer`));
    assertNoSecret(output);
  });

  it('invalid configuration is reported by setting name, never by value', async () => {
    const { code, output } = await runWorker({
      ...secretEnv,
      CLICKHOUSE_URL: `http://loader:${SECRETS.urlPassword}@[not-a-host`,
      CARTWHEEL_ALERT_WEBHOOK_URL: `ftp://hooks.example.com/${SECRETS.webhookToken}`,
      CARTWHEEL_PAYLOAD_KEY: `k:${SECRETS.payloadKey.slice(0, 20)}`,
      CARTWHEEL_DATA_DIR: tempDir('logs-config'),
    });
    assert.equal(code, 1, output);
    assert.match(output, /invalid configuration/);
    for (const setting of ['CLICKHOUSE_URL', 'CARTWHEEL_ALERT_WEBHOOK_URL', 'CARTWHEEL_PAYLOAD_KEY']) assert.match(output, new RegExp(setting));
    assertNoSecret(output);
    assert.ok(!output.includes(SECRETS.payloadKey.slice(0, 20)), 'not even the malformed key');
  });
});
