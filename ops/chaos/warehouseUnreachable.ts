/**
 * Fault 3: the ClickHouse server unreachable, in the two ways it happens.
 *
 * - Stopped mid-run: the data folder's chDB server is SIGKILLed while the month loads. The load's
 *   attempts fail (the one cut off mid-statement with "socket hang up", the next ones with
 *   ECONNREFUSED and the server's address; never a password, in the worker's log or the run's
 *   history), Temporal retries them with backoff, and once the server is back on its address
 *   (started again on the same folder and ports, as an operator or a supervisor would) a retry
 *   completes the run: the star tables equal the closed-port run's, which loaded the day untouched.
 * - Closed port at start: CLICKHOUSE_URL on a closed 127.0.0.1 port, with a password set. The worker
 *   retries with backoff, then refuses to start with a clear error naming the server (never the
 *   password); the run waits in Temporal with nothing started, and completes once a worker with a
 *   reachable warehouse starts.
 *
 * Nothing is half-loaded in either case: a month is swapped in whole (REPLACE PARTITION) or not at all.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { localServerHome } from '../../clickhouse/server/localServer';
import { runningChdbServer, startChdbServer, type ChdbServer } from '../../clickhouse/server/server';
import { startChaosStack, type ChaosStack } from './chaosStack';
import { pendingActivities, startDailyRun, waitForFailures, waitForRunning } from './dailyRun';
import type { FaultResult } from './faultResult';
import { freePort } from '../stack/freePort';
import { compareChecksums, starChecksums, type Checksums } from './warehouseChecksums';
import { startWorker, type WorkerProcess } from './workerProcess';

export const WAREHOUSE_UNREACHABLE = 'ClickHouse unreachable (server stopped mid-run, closed port)';
const SECRET = 'chaos-password-must-not-leak';
/** Short back-offs keep the fault quick; the defaults (6 tries from 1 s) are for production. */
const QUICK_RETRY = { CARTWHEEL_WAREHOUSE_OPEN_ATTEMPTS: '4', CARTWHEEL_WAREHOUSE_OPEN_DELAY_MS: '500' };

export async function warehouseUnreachable(orders = 500): Promise<FaultResult> {
  const stack = await startChaosStack('warehouse-unreachable', { orders });
  const workers: WorkerProcess[] = [];
  const restarted: ChdbServer[] = [];
  try {
    const problems: string[] = [];
    // The closed-port run loads the day untouched (no activity ran before the good worker): the reference.
    const closed = await closedPort(stack, workers, problems);
    const stopped = await serverStopped(stack, closed.loaded, workers, restarted, problems);
    return {
      fault: WAREHOUSE_UNREACHABLE,
      survived: problems.length === 0,
      rowsLost: stopped.rowsLost,
      detail: problems.length === 0 ? `${stopped.detail}; ${closed.detail}` : problems.join('; '),
    };
  } finally {
    for (const worker of workers) await worker.stop();
    for (const server of restarted) await server.stop();
    await stack.close();
  }
}

async function serverStopped(stack: ChaosStack, reference: Checksums, workers: WorkerProcess[], restarted: ChdbServer[], problems: string[]): Promise<{ rowsLost: number; detail: string }> {
  const dataDir = await stack.dataDir('stopped');
  const worker = await startWorker({ dataDir, temporalAddress: stack.server.address, taskQueue: 'stopped' });
  workers.push(worker);
  const home = localServerHome(dataDir);
  const server = await runningChdbServer(home);
  if (!server) throw new Error(`the worker runs, but no chDB server answers for ${dataDir}`);
  const handle = await startDailyRun(stack.client, 'stopped');
  await waitForRunning(handle, 'loadWarehouse');
  process.kill(server.pid, 'SIGKILL');

  // The attempt cut off mid-statement may only say "socket hang up"; the next ones cannot connect and say where.
  const refused = (failure: string) => failure.includes(`ECONNREFUSED 127.0.0.1:${server.httpPort}`);
  let failures: string[] = [];
  try {
    failures = await waitForFailures(handle, 'loadWarehouse', refused, 60_000);
  } catch (error) {
    problems.push(`server stopped: ${(error as Error).message}`);
  }
  // Back on its address: the same folder (its data, users and passwords) and the same ports.
  restarted.push(await startChdbServer({ home, filesDir: dataDir, databases: ['cartwheel'], httpPort: server.httpPort, tcpPort: server.tcpPort }));
  await handle.result();

  const passwords = Object.values(server.credentials);
  const history = JSON.stringify(await handle.fetchHistory());
  const logs = workerLogs(dataDir);
  if (passwords.some((p) => logs.includes(p) || history.includes(p))) problems.push('server stopped: a password appears in the worker log or the run history');
  const { differing, rowsLost } = compareChecksums(reference, await starChecksums(worker.warehouse!));
  if (differing.length > 0 || reference.fact_sales.rows === 0) problems.push(`server stopped: tables differ from the reference: ${differing.join(', ')}`);
  return {
    rowsLost,
    detail: `server SIGKILLed while loading: ${failures.length} attempt(s) failed (${[...new Set(failures)].map((f) => f.slice(0, 80)).join(' | ')}), ` +
      'retried with backoff; with the server back on its address the run completed, star tables identical to the reference, no password in the log or history',
  };
}

async function closedPort(stack: ChaosStack, workers: WorkerProcess[], problems: string[]): Promise<{ loaded: Checksums; detail: string }> {
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
  const logs = workerLogs(dataDir);
  if (logs.includes(SECRET)) problems.push('closed port: the password appears in the worker log');
  const backoffs = [...logs.matchAll(/retrying in ([\d.]+) s/g)].map((m) => m[1]);
  if (backoffs.join(',') !== '0.5,1.0,2.0') problems.push(`closed port: expected back-offs 0.5, 1, 2 s, saw ${backoffs.join(', ') || 'none'}`);
  if ((await pendingActivities(handle)).some((a) => a.started)) problems.push('closed port: an activity ran without a warehouse');

  const worker = await startWorker({ dataDir, temporalAddress: stack.server.address, taskQueue: 'faulted' });
  workers.push(worker);
  await handle.result();
  const loaded = await starChecksums(worker.warehouse!);
  if (loaded.fact_sales.rows === 0) problems.push('closed port: the recovered run loaded nothing');
  return {
    loaded,
    detail: `closed port: retried after ${backoffs.join(', ')} s, then refused to start (${refusal.replace(/^.*worker failed: /, '').slice(0, 160)}); nothing ran, the password stayed out of the log; with the warehouse back the run completed`,
  };
}

function workerLogs(dataDir: string): string {
  return (existsSync(dataDir) ? readdirSync(dataDir) : [])
    .filter((f) => /^worker-\d+\.log$/.test(f))
    .map((f) => readFileSync(path.join(dataDir, f), 'utf8'))
    .join('\n');
}
