/**
 * The stack's own lock: one `npm start` per data folder. The first start creates
 * <dataDir>/run/stack.lock exclusively and writes who holds it (pid, start time, how to reach the
 * stack once its servers are up); a second start finds the lock held by a live process and is told
 * what is running, without touching it. A lock whose process is gone (killed with SIGKILL) is stale
 * and is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface StackInfo {
  pid: number;
  startedAt: string;
  dataDir: string;
  /** Filled in once the servers answer. */
  temporalAddress?: string;
  uiUrl?: string;
  logFile?: string;
}

export type StackLock =
  | { held: false; info: StackInfo; update(info: Partial<StackInfo>): void; release(): void }
  | { held: true; holder: StackInfo };

export function stackLockFile(dataDir: string): string {
  return path.join(dataDir, 'run', 'stack.lock');
}

/** Take the stack lock of a data folder, or say who holds it. */
export function acquireStackLock(dataDir: string): StackLock {
  const file = stackLockFile(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const info: StackInfo = { pid: process.pid, startedAt: new Date().toISOString(), dataDir };
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // An unreadable lock may be one another start is writing this instant: look again shortly.
      const holder = readHolder(file) ?? (sleepSync(300), readHolder(file));
      if (holder && holder.pid !== process.pid && isAlive(holder.pid) && looksLikeNode(holder.pid)) return { held: true, holder };
      // Stale (its process is gone) or half-written by a start that was killed at once: take it over.
      rmSync(file, { force: true });
      continue;
    }
    writeSync(fd, `${JSON.stringify(info)}\n`);
    closeSync(fd);
    return {
      held: false,
      info,
      update(more) {
        Object.assign(info, more);
        writeFileSync(file, `${JSON.stringify(info)}\n`);
      },
      release() {
        if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
      },
    };
  }
  throw new Error(`could not take the stack lock ${file}: another npm start keeps taking it; try again`);
}

/** What a second stack beside the first needs of its own: its data folder and every port the stack listens on. */
export const SECOND_STACK_VARIABLES = [
  'CARTWHEEL_DATA_DIR',
  'TEMPORAL_PORT',
  'TEMPORAL_UI_PORT',
  'CARTWHEEL_CLICKHOUSE_HTTP_PORT',
  'CARTWHEEL_CLICKHOUSE_TCP_PORT',
] as const;

/** What a second start prints: what is running, how to reach it, how to stop it or run another. */
export function describeRunningStack(holder: StackInfo): string {
  return [
    `npm start is already running for ${holder.dataDir} (pid ${holder.pid}, since ${holder.startedAt}); it was left alone.`,
    ...(holder.temporalAddress ? [`  Temporal: ${holder.temporalAddress}${holder.uiUrl ? `, Web UI ${holder.uiUrl}` : ''}`] : ['  (its servers are still starting)']),
    ...(holder.logFile ? [`  Temporal log: ${holder.logFile}`] : []),
    '  Use it (npm run status, npm run sql, the Web UI), stop it with Ctrl-C in its terminal or `kill ' + holder.pid + '`,',
    `  or run a second stack with its own ${SECOND_STACK_VARIABLES.join(', ')} (0 for a free port).`,
  ].join('\n');
}

function readHolder(file: string): StackInfo | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
    return Number.isInteger(parsed.pid) && parsed.pid > 0 ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A recycled pid of some other program does not hold the lock (Linux: /proc; elsewhere assume it does). */
function looksLikeNode(pid: number): boolean {
  try {
    return /node|tsx/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Call `onStop` once when this stack is asked to stop: SIGINT, SIGTERM, or the process that launched
 * it gone. `npm start` killed by its pid does not pass the signal on (npm signals its shell, which
 * dies without signalling tsx), so the launcher's death is watched too: this process's parent, or
 * its parent's parent (tsx sits between npm and this process), changing means it was orphaned.
 * Returns a function that stops watching.
 */
export function watchStop(onStop: (why: string) => void): () => void {
  let done = false;
  const fire = (why: string) => {
    if (done) return;
    done = true;
    onStop(why);
  };
  const onSigint = () => fire('SIGINT');
  const onSigterm = () => fire('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  const parent = process.ppid;
  const grandparent = parentPid(parent);
  const timer = setInterval(() => {
    if (process.ppid !== parent || (grandparent !== undefined && parentPid(parent) !== grandparent)) fire('the process that started it is gone');
  }, 1000);
  timer.unref();
  return () => {
    done = true;
    clearInterval(timer);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  };
}

/** The parent of a process (Linux /proc); undefined where that cannot be read. */
function parentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}
