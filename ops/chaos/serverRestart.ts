/**
 * Fault 2: the Temporal dev server (history in SQLite via --db-filename) stopped while the day is
 * transforming and started again on the same port and file. The worker and client reconnect, the
 * run resumes from its history and completes, and the warehouse equals the run without the fault.
 */
import { startChaosStack } from './chaosStack';
import { startDailyRun, waitForRunning } from './dailyRun';
import type { FaultResult } from './faultResult';
import { referenceRun } from './referenceRun';
import { compareChecksums, starChecksums } from './warehouseChecksums';
import { startWorker, type WorkerProcess } from './workerProcess';

export const SERVER_RESTART = 'Temporal dev server restarted mid-run (persistent history)';

export async function serverRestart(orders = 4000): Promise<FaultResult> {
  const stack = await startChaosStack('server-restart', { orders, persistent: true });
  let worker: WorkerProcess | undefined;
  try {
    const reference = await referenceRun(stack);
    const dataDir = await stack.dataDir('faulted');
    worker = await startWorker({ dataDir, temporalAddress: stack.server.address, taskQueue: 'faulted' });
    const handle = await startDailyRun(stack.client, 'faulted');
    await waitForRunning(handle, 'transformSource');
    await stack.restartServer();
    await handle.result();
    const { differing, rowsLost } = compareChecksums(reference, await starChecksums(worker.warehouse!));
    return {
      fault: SERVER_RESTART,
      survived: differing.length === 0 && reference.fact_sales.rows > 0,
      rowsLost,
      detail: differing.length === 0
        ? 'server restarted while transforming; the run resumed from its history and completed, star tables identical to the reference'
        : `tables differ from the reference: ${differing.join(', ')}`,
    };
  } finally {
    await worker?.stop();
    await stack.close();
  }
}
