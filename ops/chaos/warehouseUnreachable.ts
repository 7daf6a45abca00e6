/**
 * Fault 3: ClickHouse unreachable when a worker starts, in both forms the issue names.
 *
 * - Folder locked: another process holds the embedded warehouse folder. The worker retries with
 *   backoff, saying so in its log; once the holder goes, it opens the warehouse and the run that was
 *   waiting in Temporal completes.
 * - Closed port: CLICKHOUSE_URL on a closed 127.0.0.1 port, with a password set. The worker retries
 *   with backoff, then refuses to start with a clear error naming the server (never the password);
 *   the run waits in Temporal with nothing started, and completes once a worker with a reachable
 *   warehouse starts.
 *
 * Nothing is half-loaded in either case: no activity runs without a warehouse.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startChaosStack } from './chaosStack';
import { pendingActivities, startDailyRun } from './dailyRun';
import type { FaultResult } from './faultResult';
import { freePort } from '../stack/freePort';
import { starChecksums } from './warehouseChecksums';
import { startWorker, type WorkerProcess } from './workerProcess';

export const WAREHOUSE_UNREACHABLE = 'ClickHouse unreachable (folder locked, closed port)';
const SECRET = 'chaos-password-must-not-leak';
const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Short back-offs keep the fault quick; the defaults (6 tries from 1 s) are for production. */
const QUICK_RETRY = { CARTWHEEL_WAREHOUSE_OPEN_ATTEMPTS: '4', CARTWHEEL_WAREHOUSE_OPEN_DELAY_MS: '500' };

export async function warehouseUnreachable(orders = 500): Promise<FaultResult> {
  const stack = await startChaosStack('warehouse-unreachable', { orders });
  const workers: WorkerProcess[] = [];
  try {
    const problems: string[] = [];
    const locked = await folderLocked(stack, workers, problems);
    const closed = await closedPort(stack, workers, problems);
    return {
      fault: WAREHOUSE_UNREACHABLE,
      survived: problems.length === 0,
      rowsLost: 0,
      detail: problems.length === 0 ? `${locked}; ${closed}` : problems.join('; '),
    };
  } finally {
    for (const worker of workers) await worker.stop();
    await stack.close();
  }
}

type Stack = Awaited<ReturnType<typeof startChaosStack>>;

async function folderLocked(stack: Stack, workers: WorkerProcess[], problems: string[]): Promise<string> {
  const dataDir = await stack.dataDir('locked');
  const holder = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'warehouseHolder.ts'), path.join(dataDir, 'warehouse')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TZ: 'UTC' },
  });
  const holderExited = new Promise<void>((resolve) => holder.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('holding') && resolve());
      holder.once('exit', (code) => reject(new Error(`the folder holder exited (${code}) before holding the folder`)));
    });
    const handle = await startDailyRun(stack.client, 'locked');
    const starting = startWorker({ dataDir, temporalAddress: stack.server.address, taskQueue: 'locked', env: QUICK_RETRY });
    // Let the worker fail to open the folder and back off at least once, then release the folder.
    const retryLine = await waitForLog(dataDir, /warehouse unavailable \(attempt 1 of 4\), retrying in 0\.5 s: .*is open in process/);
    if (!retryLine) problems.push('locked folder: the worker did not report a retry');
    holder.kill('SIGTERM');
    await holderExited;
    const worker = await starting;
    workers.push(worker);
    await handle.result();
    const loaded = await starChecksums(worker.warehouse!);
    if (loaded.fact_sales.rows === 0) problems.push('locked folder: the run loaded nothing');
    return 'folder locked by another process: the worker retried with backoff, opened it once released, and the waiting run completed';
  } finally {
    holder.kill('SIGKILL');
  }
}

async function closedPort(stack: Stack, workers: WorkerProcess[], problems: string[]): Promise<string> {
  const dataDir = await stack.dataDir('faulted');
  const handle = await startDailyRun(stack.client, 'faulted');
  const closed = `http://127.0.0.1:${await freePort()}`;
  let refusal = '';
  try {
    workers.push(await startWorker({ dataDir, temporalAddress: stack.server.address, taskQueue: 'faulted', env: { ...QUICK_RETRY, CLICKHOUSE_URL: closed, CLICKHOUSE_PASSWORD: SECRET } }));
    problems.push('closed port: a worker started without a reachable warehouse');
  } catch (error) {
    refusal = (error as Error).message;
    if (!/after 4 attempts/.test(refusal) || !/ECONNREFUSED/.test(refusal) || !refusal.includes(closed.slice('http://'.length))) {
      problems.push(`closed port: unclear refusal: ${refusal}`);
    }
  }
  const logs = readdirSync(dataDir).filter((f) => /^worker-\d+\.log$/.test(f)).map((f) => readFileSync(path.join(dataDir, f), 'utf8')).join('\n');
  if (logs.includes(SECRET)) problems.push('closed port: the password appears in the worker log');
  const backoffs = [...logs.matchAll(/retrying in ([\d.]+) s/g)].map((m) => m[1]);
  if (backoffs.join(',') !== '0.5,1.0,2.0') problems.push(`closed port: expected back-offs 0.5, 1, 2 s, saw ${backoffs.join(', ') || 'none'}`);
  if ((await pendingActivities(handle)).some((a) => a.started)) problems.push('closed port: an activity ran without a warehouse');

  const worker = await startWorker({ dataDir, temporalAddress: stack.server.address, taskQueue: 'faulted' });
  workers.push(worker);
  await handle.result();
  const loaded = await starChecksums(worker.warehouse!);
  if (loaded.fact_sales.rows === 0) problems.push('closed port: the recovered run loaded nothing');
  return `closed port: retried after ${backoffs.join(', ')} s, then refused to start (${refusal.replace(/^.*worker failed: /, '').slice(0, 160)}); nothing ran, the password stayed out of the log; with the warehouse back the run completed`;
}

/** The first worker log line in `dataDir` matching `pattern`, waiting up to a minute. */
async function waitForLog(dataDir: string, pattern: RegExp): Promise<string | undefined> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    for (const file of existsSync(dataDir) ? readdirSync(dataDir).filter((f) => /^worker-\d+\.log$/.test(f)) : []) {
      const line = readFileSync(path.join(dataDir, file), 'utf8').split('\n').find((l) => pattern.test(l));
      if (line) return line;
    }
    await delay(100);
  }
  return undefined;
}
