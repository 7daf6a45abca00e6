/**
 * Fault 1: the worker SIGKILLed while the day is ingesting, its replacement SIGKILLed while the
 * month is loading, and a third worker started. The run must complete, and the warehouse must be
 * identical (star table checksums) to the same day loaded without a fault.
 */
import { startChaosStack } from './chaosStack';
import { failOrphanedAttempts, startDailyRun, waitForRunning } from './dailyRun';
import type { FaultResult } from './faultResult';
import { referenceRun } from './referenceRun';
import { compareChecksums, starChecksums } from './warehouseChecksums';
import { startWorker, type WorkerProcess } from './workerProcess';

export const WORKER_KILL = 'worker SIGKILL mid-ingest and mid-load';

export async function workerKill(orders = 4000): Promise<FaultResult> {
  const stack = await startChaosStack('worker-kill', { orders });
  const workers: WorkerProcess[] = [];
  try {
    const reference = await referenceRun(stack);
    const dataDir = await stack.dataDir('faulted');
    const start = async () => {
      const worker = await startWorker({ dataDir, temporalAddress: stack.server.address, taskQueue: 'faulted' });
      workers.push(worker);
      return worker;
    };
    let worker = await start();
    const handle = await startDailyRun(stack.client, 'faulted');
    const killed: string[] = [];
    for (const activity of ['ingestSource', 'loadWarehouse']) {
      await waitForRunning(handle, activity);
      await worker.kill('SIGKILL');
      killed.push(...(await failOrphanedAttempts(stack.client, handle)));
      worker = await start();
    }
    await handle.result();
    const { differing, rowsLost } = compareChecksums(reference, await starChecksums(worker.warehouse!));
    return {
      fault: WORKER_KILL,
      survived: differing.length === 0 && reference.fact_sales.rows > 0,
      rowsLost,
      detail: differing.length === 0
        ? `killed twice (attempts retried: ${[...new Set(killed)].join(', ')}); run completed, ${Object.keys(reference).length} star tables identical to the reference`
        : `tables differ from the reference: ${differing.join(', ')}`,
    };
  } finally {
    for (const w of workers) await w.stop();
    await stack.close();
  }
}
