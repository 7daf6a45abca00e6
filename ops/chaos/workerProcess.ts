/**
 * A cartwheel worker as a child process (`node --import tsx workers/main.ts`), the way it runs in
 * production, so a fault can SIGKILL it. Its output goes to a log file in the fault's folder and is
 * never echoed: worker logs are not for the chaos report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { localServerHome } from '../../clickhouse/server/localServer';
import { runningChdbServer } from '../../clickhouse/server/server';
import type { WarehouseConnection } from './warehouseChecksums';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface WorkerOptions {
  dataDir: string;
  temporalAddress: string;
  taskQueue: string;
  /** Extra environment, e.g. CLICKHOUSE_URL for the unreachable-warehouse fault. */
  env?: Record<string, string>;
  /** Where the worker's log goes (default: the data folder). */
  logDir?: string;
}

export interface WorkerProcess {
  pid: number;
  logFile: string;
  /** The data folder's chDB server the worker uses (as its admin), when no CLICKHOUSE_URL is set. */
  warehouse?: WarehouseConnection;
  /** The exit code or signal once the process has ended. */
  exited: Promise<string>;
  kill(signal: NodeJS.Signals): Promise<string>;
  /** Graceful stop (SIGTERM), SIGKILL after a grace period; safe to call after any other end. */
  stop(): Promise<string>;
}

export async function startWorker(options: WorkerOptions): Promise<WorkerProcess> {
  const logDir = options.logDir ?? options.dataDir;
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `worker-${readdirSync(logDir).filter((f) => f.startsWith('worker-')).length + 1}.log`);
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'workers', 'main.ts')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      TZ: 'UTC',
      CARTWHEEL_DATA_DIR: options.dataDir,
      CARTWHEEL_TASK_QUEUE: options.taskQueue,
      CARTWHEEL_CLICKHOUSE_HTTP_PORT: '0',
      CARTWHEEL_CLICKHOUSE_TCP_PORT: '0',
      TEMPORAL_ADDRESS: options.temporalAddress,
      ...options.env,
    },
  });
  closeSync(log);
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
  let ended: string | undefined;
  void exited.then((how) => (ended = how));
  const worker: WorkerProcess = {
    pid: child.pid!,
    logFile,
    exited,
    async kill(signal) {
      if (ended === undefined) child.kill(signal);
      return exited;
    },
    async stop() {
      if (ended !== undefined) return ended;
      child.kill('SIGTERM');
      const graceful = await Promise.race([exited, delay(15_000).then(() => undefined)]);
      return graceful ?? worker.kill('SIGKILL');
    },
  };
  try {
    await waitForLine(logFile, 'worker polling', () => ended, 120_000);
    if (!options.env?.CLICKHOUSE_URL) worker.warehouse = await localWarehouse(options.dataDir);
    return worker;
  } catch (error) {
    await worker.kill('SIGKILL');
    throw error;
  }
}

/** Wait until the worker logs a line (it is up) or exits (then the error carries its last lines). */
export async function waitForLine(logFile: string, text: string, ended: () => string | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    if (log.includes(text)) return;
    if (ended() !== undefined) throw new Error(`worker exited (${ended()}) before "${text}": ${lastLine(log)}`);
    if (Date.now() > deadline) throw new Error(`worker did not log "${text}" within ${timeoutMs / 1000} s`);
    await delay(100);
  }
}

async function localWarehouse(dataDir: string): Promise<WarehouseConnection> {
  const server = await runningChdbServer(localServerHome(dataDir));
  if (!server) throw new Error(`the worker runs, but no chDB server answers for ${dataDir}`);
  return { ...server.as('admin'), database: 'cartwheel' };
}

/** The worker's own failure line (configuration and connection errors name no personal data). */
export function lastLine(log: string): string {
  return log.trim().split('\n').filter((l) => l.includes('failed')).pop() ?? '(no failure line)';
}
