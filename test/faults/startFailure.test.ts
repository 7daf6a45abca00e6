/**
 * A failed `npm start` ends with the cause and the next step (real stack: dev server, worker,
 * chDB server): a landed orders.csv with a broken header fails the run without retries, the
 * last line names the file's problem (not "Activity task failed") and how to run the day again, and
 * --orders, ignored because the day already landed, is said to be ignored. The warehouse's chDB
 * server dying mid-run stops npm start with a last line that names it, not a socket error.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DataLayout } from '../../domain/layout';
import { localServerHome } from '../../clickhouse/server/localServer';
import { generateDailyExport } from '../../ops/generate/sampleData';
import { freePort } from '../../ops/stack/freePort';
import { ensureTemporalCli } from '../../ops/tools/provision';
import { tempDir } from '../helpers/tempDirs';

const DATE = '2024-03-10';
const REPO = path.resolve(__dirname, '..', '..');

/** `npm start -- --once --date DATE ...` on the data folder, on free ports; its output as it comes. */
async function startStack(dataDir: string, ...args: string[]) {
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
  const child = spawn(process.execPath, ['--import', 'tsx', 'ops/start.ts', '--once', '--date', DATE, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => { out.stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out.stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, out, exited };
}

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

    const { out, exited } = await startStack(dataDir, '--orders', '500');
    const code = await exited;
    const { stdout, stderr } = out;

    assert.equal(code, 1, `${stdout}\n${stderr}`);
    assert.match(stdout, new RegExp(`--orders/--seed ignored: .* already holds the export of ${DATE}`));
    const last = stderr.trim().split('\n').pop() ?? '';
    assert.match(last, new RegExp(`^daily load of ${DATE} failed: .*orders\\.csv.*\\(next: see the failed step in http://localhost:\\d+/.*, fix its cause, then run the day again with npm start -- --date ${DATE}\\)$`));
    assert.doesNotMatch(last, /Activity task failed/);
  });

  it('stops, naming the dead chDB server and its log, when the warehouse server dies during the run', async () => {
    await ensureTemporalCli(() => {});
    const dataDir = tempDir('start-warehouse-lost');
    const layout = new DataLayout(dataDir);
    // A day whose payments never land: the run waits for them, so it is surely running when the server dies.
    await generateDailyExport({ businessDate: DATE, orders: 20, seed: 1, outDir: layout.landingDir(DATE) });
    rmSync(layout.landingFile(DATE, 'payments'));
    const { child, out, exited } = await startStack(dataDir);
    try {
      for (const deadline = Date.now() + 420_000; !/waiting for files: payments/.test(out.stdout);) {
        if (child.exitCode !== null || Date.now() > deadline) assert.fail(`npm start did not reach the wait for payments:\n${out.stdout}\n${out.stderr}`);
        await delay(250);
      }
      const server = JSON.parse(readFileSync(path.join(localServerHome(dataDir), 'server.json'), 'utf8')) as { pid: number };
      process.kill(server.pid, 'SIGKILL');
      const code = await exited;
      assert.equal(code, 1, `${out.stdout}\n${out.stderr}`);
      const last = out.stderr.trim().split('\n').pop() ?? '';
      assert.match(last, new RegExp(`^npm start stopped \\(the warehouse's chDB server, pid ${server.pid}, exited: see .*server\\.err\\.log\\) before daily-${DATE} finished, .*run the day again with npm start -- --date ${DATE}$`));
      assert.doesNotMatch(last, /ECONNRESET|ECONNREFUSED|socket hang up/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
