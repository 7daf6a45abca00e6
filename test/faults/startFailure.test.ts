/**
 * A failed `npm start` ends with the cause and the next step (real stack: dev server, worker,
 * chDB server): a landed orders.csv with a broken header fails the run without retries, the
 * last line names the file's problem (not "Activity task failed") and how to run the day again, and
 * --orders, ignored because the day already landed, is said to be ignored.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataLayout } from '../../activities/files/layout';
import { generateDailyExport } from '../../ops/generate/sampleData';
import { freePort } from '../../ops/stack/freePort';
import { ensureTemporalCli } from '../../ops/tools/provision';
import { tempDir } from '../helpers/tempDirs';

const DATE = '2024-03-10';

describe('a failed npm start', function () {
  this.timeout(600_000);

  it('ends with the cause and the next step, and says --orders was ignored', async () => {
    await ensureTemporalCli(() => {});
    const dataDir = tempDir('start-failure');
    const landing = new DataLayout(dataDir).landingDir(DATE);
    await generateDailyExport({ businessDate: DATE, orders: 20, seed: 1, outDir: landing });
    const orders = new DataLayout(dataDir).landingFile(DATE, 'orders');
    const [header, ...rest] = readFileSync(orders, 'utf8').split('\n');
    writeFileSync(orders, [header.replace('order_id', 'order_ident'), ...rest].join('\n'));

    const env = {
      ...process.env,
      CARTWHEEL_DATA_DIR: dataDir,
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      CARTWHEEL_CLICKHOUSE_HTTP_PORT: '0',
      CARTWHEEL_CLICKHOUSE_TCP_PORT: '0',
      TEMPORAL_ADDRESS: '',
      CLICKHOUSE_URL: '',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'ops/start.ts', '--once', '--date', DATE, '--orders', '500'], { cwd: path.resolve(__dirname, '..', '..'), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    assert.equal(code, 1, `${stdout}\n${stderr}`);
    assert.match(stdout, new RegExp(`--orders/--seed ignored: .* already holds the export of ${DATE}`));
    const last = stderr.trim().split('\n').pop() ?? '';
    assert.match(last, new RegExp(`^daily load of ${DATE} failed: .*orders\\.csv.*\\(next: see the failed step in http://localhost:\\d+/.*, fix its cause, then run the day again with npm start -- --date ${DATE}\\)$`));
    assert.doesNotMatch(last, /Activity task failed/);
  });
});
