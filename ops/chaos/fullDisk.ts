/**
 * Fault 5: the pipeline's data folder on a tmpfs only a little larger than the day's exports, so
 * the disk fills while the day is worked on. The run must fail reporting ENOSPC, publish nothing
 * (no staged Parquet, no leftovers in staging, warehouse untouched); with space back, the same
 * run completes. Needs root to mount a tmpfs; elsewhere the fault is skipped (not counted as tried).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CHAOS_DATE, landExport, startChaosStack } from './chaosStack';
import { runFailure, startDailyRun } from './dailyRun';
import type { FaultResult } from './faultResult';
import { starChecksums } from './warehouseChecksums';
import { startWorker, type WorkerProcess } from './workerProcess';

export const FULL_DISK = 'full disk (small tmpfs)';

export async function fullDisk(orders = 2000): Promise<FaultResult | undefined> {
  const stack = await startChaosStack('full-disk', { orders });
  const dataDir = path.join(stack.root, 'faulted');
  let worker: WorkerProcess | undefined;
  let mounted = false;
  try {
    // Measure the exports first, then mount a tmpfs that holds them plus little more.
    const measure = path.join(stack.root, 'measure');
    await landExport(measure, CHAOS_DATE, orders);
    const exportBytes = folderBytes(measure);
    mkdirSync(dataDir, { recursive: true });
    if (!mountTmpfs(dataDir, exportBytes + 256 * 1024)) return undefined;
    mounted = true;
    await landExport(dataDir, CHAOS_DATE, orders);

    const env = { CARTWHEEL_CHDB_PATH: path.join(stack.root, 'warehouse') }; // the warehouse has room
    const logDir = path.join(stack.root, 'logs'); // a full disk must not silence the worker's log
    worker = await startWorker({ dataDir, temporalAddress: stack.server.address, taskQueue: 'faulted', env, logDir });
    const handle = await startDailyRun(stack.client, 'faulted');
    const failure = await runFailure(handle);
    const problems: string[] = [];
    if (!failure || !/ENOSPC/.test(failure.message)) problems.push(`expected a failure reporting ENOSPC, got ${failure ? failure.message : 'a successful run'}`);
    const staging = path.join(dataDir, 'staging');
    const published = existsSync(staging) ? listFiles(staging) : [];
    if (published.length > 0) problems.push(`published despite the full disk: ${published.slice(0, 3).join(', ')}`);
    const before = await starChecksums(worker.warehouse!);
    if (Object.values(before).some((t) => t.rows > 0)) problems.push('the warehouse holds rows of the failed run');

    // Space back: the same day runs again and completes.
    execFileSync('mount', ['-o', 'remount,size=256m', dataDir]);
    await (await startDailyRun(stack.client, 'faulted')).result();
    const after = await starChecksums(worker.warehouse!);
    if (after.fact_sales.rows === 0) problems.push('the run after freeing space loaded nothing');
    return {
      fault: FULL_DISK,
      survived: problems.length === 0,
      rowsLost: 0,
      detail: problems.length === 0
        ? `data folder on a ${Math.round((exportBytes + 256 * 1024) / 1024)} KiB tmpfs: the run failed reporting "${failure!.message.slice(0, 60)}", nothing staged or loaded; with space back it completed (${after.fact_sales.rows} sales lines)`
        : problems.join('; '),
    };
  } finally {
    await worker?.stop();
    if (mounted) execFileSync('umount', [dataDir]);
    await stack.close();
  }
}

function mountTmpfs(dir: string, bytes: number): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(path.join(dir, f)).isFile());
}

function folderBytes(dir: string): number {
  return listFiles(dir).reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
}
