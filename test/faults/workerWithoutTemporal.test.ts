/** `npm run worker` with no Temporal server says what to do, not the SDK's raw tonic::transport::Error. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../ops/stack/freePort';
import { tempDir } from '../helpers/tempDirs';

describe('npm run worker without Temporal', function () {
  this.timeout(180_000);

  it('exits non-zero saying Temporal does not answer and how to start it', async () => {
    const port = await freePort();
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
      cwd: path.resolve(__dirname, '..', '..'),
      env: { ...process.env, TEMPORAL_ADDRESS: `127.0.0.1:${port}`, CARTWHEEL_DATA_DIR: tempDir('worker-no-temporal'), CARTWHEEL_CLICKHOUSE_HTTP_PORT: '0', CARTWHEEL_CLICKHOUSE_TCP_PORT: '0', CLICKHOUSE_URL: '' },
      encoding: 'utf8',
      timeout: 150_000,
    });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`worker failed: Temporal at 127\\.0\\.0\\.1:${port} does not answer \\(Connection refused\\): start the stack with npm start`));
    assert.doesNotMatch(run.stderr, /tonic/);
  });
});
