// Run: npx mocha --require tsx/cjs test/unit/provision.test.ts
// The first run provisions the Java test server into .tools/ (Maven, ~2-20 s); later runs reuse it.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { TOOLS_DIR } from '../../ops/tools/paths';
import {
  ensureTemporalCli,
  ensureTestServer,
  TEMPORAL_CLI_ENV,
  TEST_SERVER_ENV,
} from '../../ops/tools/provision';

/** Run fn with env var `name` set to `value`, restoring the previous value afterwards. */
async function withEnv<T>(name: string, value: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env[name];
  process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
}

describe('ops/tools/provision', function () {
  this.timeout(120_000); // first provisioning of the test server downloads ~40 MB of jars

  describe('env overrides', () => {
    const missing = path.join(TOOLS_DIR, 'does-not-exist', 'nope');
    for (const [name, ensure] of [
      [TEMPORAL_CLI_ENV, ensureTemporalCli],
      [TEST_SERVER_ENV, ensureTestServer],
    ] as const) {
      it(`${name} pointing at a missing file fails, naming the variable`, async () => {
        await withEnv(name, missing, () =>
          assert.rejects(ensure(() => {}), (err: Error) => {
            assert.match(err.message, new RegExp(name));
            return true;
          }),
        );
      });

      it(`${name} pointing at an executable is returned as is`, async () => {
        // node itself is a conveniently existing executable; no provisioning may happen
        const logs: string[] = [];
        const got = await withEnv(name, process.execPath, () => ensure((m) => logs.push(m)));
        assert.equal(got, process.execPath);
        assert.deepEqual(logs, []);
      });
    }
  });

  describe('test server', () => {
    it('a second ensure call reuses the provisioned server', async () => {
      const first = await ensureTestServer(() => {}); // may provision
      const logs: string[] = [];
      const start = Date.now();
      const second = await ensureTestServer((m) => logs.push(m));
      const ms = Date.now() - start;
      assert.equal(second, first);
      assert.deepEqual(logs, [], 'second call must not provision');
      // Reuse is proven by the empty log; the wall bound is generous (provisioning takes minutes).
      assert.ok(ms < 60_000, `reuse took ${ms} ms`);
    });

    it('TestWorkflowEnvironment.createTimeSkipping starts on it and tears down', async () => {
      const executable = await ensureTestServer();
      const start = Date.now();
      const env = await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: executable } },
      });
      const startedMs = Date.now() - start;
      try {
        assert.equal(env.supportsTimeSkipping, true);
        const before = await env.currentTimeMs();
        await env.sleep('1 day'); // skipped, not waited
        assert.ok((await env.currentTimeMs()) - before >= 24 * 3600_000);
      } finally {
        await env.teardown();
      }
      console.log(`      test server: started in ${startedMs} ms, total with teardown ${Date.now() - start} ms`);
    });
  });
});
