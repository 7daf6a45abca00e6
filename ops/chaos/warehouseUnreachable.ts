/**
 * Fault 3: ClickHouse unreachable (CLICKHOUSE_URL on a closed 127.0.0.1 port, with a password set).
 * A worker cannot open its warehouse, so it refuses to start with a clear error naming the server
 * (never the password) instead of polling for work it cannot do; the run waits in Temporal with
 * nothing loaded, and completes once a worker with a reachable warehouse starts.
 */
import { readFileSync } from 'node:fs';
import { startChaosStack } from './chaosStack';
import { pendingActivities, startDailyRun } from './dailyRun';
import type { FaultResult } from './faultResult';
import { freePort } from '../stack/freePort';
import { starChecksums } from './warehouseChecksums';
import { startWorker, type WorkerProcess } from './workerProcess';

export const WAREHOUSE_UNREACHABLE = 'ClickHouse unreachable (closed port)';
const SECRET = 'chaos-password-must-not-leak';

export async function warehouseUnreachable(orders = 500): Promise<FaultResult> {
  const stack = await startChaosStack('warehouse-unreachable', { orders });
  let worker: WorkerProcess | undefined;
  try {
    const dataDir = await stack.dataDir('faulted');
    const handle = await startDailyRun(stack.client, 'faulted');
    const closed = `http://127.0.0.1:${await freePort()}`;
    const problems: string[] = [];
    let refusal = '';
    try {
      worker = await startWorker({ dataDir, temporalAddress: stack.server.address, taskQueue: 'faulted', env: { CLICKHOUSE_URL: closed, CLICKHOUSE_PASSWORD: SECRET } });
      problems.push('a worker started without a reachable warehouse');
    } catch (error) {
      refusal = (error as Error).message;
      if (!/ECONNREFUSED/.test(refusal) || !refusal.includes(closed.slice('http://'.length))) problems.push(`unclear refusal: ${refusal}`);
    }
    const logs = readFileSync(`${dataDir}/worker-1.log`, 'utf8');
    if (logs.includes(SECRET)) problems.push('the password appears in the worker log');
    const pending = await pendingActivities(handle);
    if (pending.some((a) => a.started)) problems.push('an activity ran without a warehouse');

    await worker?.stop();
    worker = await startWorker({ dataDir, temporalAddress: stack.server.address, taskQueue: 'faulted' });
    await handle.result();
    const loaded = await starChecksums(worker.gatewayUrl!);
    if (loaded.fact_sales.rows === 0) problems.push('the recovered run loaded nothing');
    return {
      fault: WAREHOUSE_UNREACHABLE,
      survived: problems.length === 0,
      rowsLost: 0,
      detail: problems.length === 0
        ? `worker refused to start (${refusal.replace(/^.*worker failed: /, '')}); nothing ran, the password stayed out of the log; with the warehouse back the run completed`
        : problems.join('; '),
    };
  } finally {
    await worker?.stop();
    await stack.close();
  }
}
