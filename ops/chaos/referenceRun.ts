/**
 * The same day loaded without any fault, in its own data folder, on the fault's server: the
 * checksums a faulted run must reproduce.
 */
import type { ChaosStack } from './chaosStack';
import { startDailyRun } from './dailyRun';
import { starChecksums, type Checksums } from './warehouseChecksums';
import { startWorker } from './workerProcess';

export async function referenceRun(stack: ChaosStack): Promise<Checksums> {
  const dataDir = await stack.dataDir('reference');
  const worker = await startWorker({ dataDir, temporalAddress: stack.server.address, taskQueue: 'reference' });
  try {
    await (await startDailyRun(stack.client, 'reference')).result();
    return await starChecksums(worker.warehouse!);
  } finally {
    await worker.stop();
  }
}
