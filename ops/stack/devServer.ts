/**
 * The Temporal dev server (`temporal server start-dev`, Web UI included) as a child process: started,
 * awaited until it answers, and stopped with SIGTERM (SIGKILL after a grace period). A pid file lets
 * the next start clean up a server orphaned by a parent that was killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { devServerSearchAttributeArgs } from './searchAttributes';

export interface DevServerOptions {
  cliPath: string;
  port: number;
  uiPort: number;
  /** SQLite file that keeps history across restarts; in memory when omitted. */
  dbFile?: string;
  /** Folder for the server's log and pid file. */
  runDir: string;
  namespace?: string;
  startTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  mkdirSync(options.runDir, { recursive: true });
  const pidFile = path.join(options.runDir, `temporal-dev-${options.port}.pid`);
  const logFile = path.join(options.runDir, `temporal-dev-${options.port}.log`);
  await killOrphan(pidFile);
  if (await portAnswers(options.port)) {
    throw new Error(`port ${options.port} is already in use: is another Temporal server (or npm start) running? Set TEMPORAL_PORT to use another port.`);
  }
  if (options.dbFile) mkdirSync(path.dirname(options.dbFile), { recursive: true });

  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(options.port),
    '--ui-port', String(options.uiPort),
    '--namespace', options.namespace ?? 'default',
    '--log-level', 'warn',
    // BusinessDate, RunKind, Outcome: filters in the Web UI and `npm run status` (workflows/searchAttributes.ts).
    ...devServerSearchAttributeArgs(),
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
  ];
  const log = openSync(logFile, 'w');
  const child = spawn(options.cliPath, args, { stdio: ['ignore', log, log] });
  closeSync(log);
  writeFileSync(pidFile, String(child.pid));

  const stop = () => stopChild(child, pidFile);
  try {
    await waitUntilListening(child, options.port, options.startTimeoutMs ?? 60_000, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: `http://localhost:${options.uiPort}`,
    logFile,
    stop,
  };
}

async function waitUntilListening(child: ChildProcess, port: number, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Temporal dev server exited during start (code ${child.exitCode ?? child.signalCode}):\n${tail(logFile)}`);
    }
    if (await portAnswers(port)) return;
    await delay(200);
  }
  throw new Error(`Temporal dev server did not listen on port ${port} within ${timeoutMs / 1000} s:\n${tail(logFile)}`);
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

async function stopChild(child: ChildProcess, pidFile: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const graceful = await Promise.race([exited.then(() => true), delay(10_000).then(() => false)]);
    if (!graceful) {
      child.kill('SIGKILL');
      await exited;
    }
  }
  rmSync(pidFile, { force: true });
}

/** A server left behind by a parent that was killed holds the port and the SQLite file: end it. */
async function killOrphan(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0 || !isTemporalProcess(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && isAlive(pid); i += 1) await delay(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function isTemporalProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('start-dev');
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
