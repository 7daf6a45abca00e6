/**
 * The Temporal dev server (`temporal server start-dev`, Web UI included) as a child process: started,
 * awaited until it answers, and stopped with SIGTERM (SIGKILL after a grace period). A pid file
 * (`<server pid> <parent pid>`) lets the next start clean up a server orphaned by a parent that was
 * killed; a server whose parent is alive belongs to a running stack and is never touched
 * (DevServerRunning), and neither is its log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { devServerSearchAttributeArgs } from './searchAttributes';
import { isAlive } from './stackLock';

/** A dev server of another live process (another npm start) holds this run folder or port: left alone. */
export class DevServerRunning extends Error {
  override name = 'DevServerRunning';
}

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
  await killOrphan(pidFile, options.port);
  if (await portAnswers(options.port)) {
    throw new DevServerRunning(`port ${options.port} is already in use (another Temporal server, or another npm start?); it was left alone. Set TEMPORAL_PORT (and TEMPORAL_UI_PORT) to use other ports.`);
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
  writeFileSync(pidFile, `${child.pid} ${process.pid}\n`);

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

/**
 * A server left behind by a parent that was killed holds the port and the SQLite file: end it. One
 * whose parent is alive is another stack's: refuse, touching nothing (not even the pid file).
 */
async function killOrphan(pidFile: string, port: number): Promise<void> {
  if (!existsSync(pidFile)) return;
  const [pid, parent] = readFileSync(pidFile, 'utf8').trim().split(/\s+/).map(Number);
  if (!Number.isInteger(pid) || pid <= 0 || !isTemporalProcess(pid)) {
    rmSync(pidFile, { force: true });
    return;
  }
  // Older pid files hold no parent: the server's own parent pid tells (an orphan is re-parented).
  const owner = Number.isInteger(parent) && parent > 0 ? parent : parentOf(pid);
  if (owner !== undefined && owner !== 1 && isAlive(owner)) {
    throw new DevServerRunning(`a Temporal dev server (pid ${pid}, port ${port}) started by a running process (pid ${owner}) uses this data folder; it was left alone.`);
  }
  rmSync(pidFile, { force: true });
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

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
