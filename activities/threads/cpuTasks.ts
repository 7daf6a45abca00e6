/**
 * Runs ingest and transform jobs on a pool of worker threads (piscina), or inline when threads = 0.
 * While a job runs, the activity heartbeats with the job's progress; cancelling the activity aborts
 * the thread's job (its output files are written under temporary names and never published).
 */
import { currentActivity } from '../activityContext';
import { ApplicationFailure } from '@temporalio/common';
import path from 'node:path';
import { Piscina } from 'piscina';
import { readCheckpoint } from '../transform/transformCheckpoint';
import * as tasks from './tasks';
import type { TaskFailure } from './tasks';

// No task is left to run on a thread (ingest and transform run in the engine): threads/ can go once nothing imports closeCpuPool.
type TaskName = keyof Omit<typeof tasks, 'NO_TASKS'>;
type JobOf<N extends TaskName> = Parameters<(typeof tasks)[N]>[0];
type ResultOf<N extends TaskName> = Exclude<Awaited<ReturnType<(typeof tasks)[N]>>, TaskFailure>;

let pool: Piscina | undefined;

const THREAD_HEAP_MB = 384;

function poolOf(threads: number): Piscina {
  pool ??= new Piscina({
    filename: path.join(__dirname, 'worker.js'),
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 30_000,
    // A task holds one hash partition of rows at a time; a capped heap makes V8 collect garbage
    // before growing, which keeps the process's resident memory flat as files grow.
    resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB },
  });
  return pool;
}

/** End the pool's threads (worker shutdown, tests). */
export async function closeCpuPool(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.destroy();
}

// Cancellation reaches an activity only in the answer to a heartbeat (the SDK throttles what it
// sends), so heartbeat from the start and often: a cancel then aborts the thread's job promptly.
const HEARTBEAT_MS = 1_000;

/**
 * `checkpointFile`: where the job records resumable progress (the transform's); its content goes
 * into every heartbeat, so the next attempt of the activity finds it in its heartbeat details.
 */
export async function runCpuTask<N extends TaskName>(name: N, job: Omit<JobOf<N>, 'progress'>, threads: number, checkpointFile?: string): Promise<ResultOf<N>> {
  const progress = new SharedArrayBuffer(4);
  const fullJob = { ...job, progress } as JobOf<N>;
  const context = currentActivity();
  const beat = () => {
    const checkpoint = checkpointFile ? readCheckpoint(checkpointFile) : undefined;
    context?.heartbeat({ task: name, rowsDone: Atomics.load(new Int32Array(progress), 0), ...(checkpoint ? { checkpoint } : {}) });
  };
  beat();
  const timer = setInterval(beat, HEARTBEAT_MS);
  try {
    const result = threads > 0
      ? ((await poolOf(threads).run(fullJob, { name, signal: context?.cancellationSignal })) as ResultOf<N> | TaskFailure)
      : ((await (tasks[name] as (j: JobOf<N>) => Promise<ResultOf<N> | TaskFailure>)(fullJob)));
    if ('failed' in (result as object)) {
      // The failure carries the last heartbeat's details to the next attempt: make them the latest.
      beat();
      const { failed } = result as TaskFailure;
      throw ApplicationFailure.create({ message: failed.message, type: failed.type, nonRetryable: failed.nonRetryable ?? false });
    }
    return result as ResultOf<N>;
  } finally {
    clearInterval(timer);
  }
}
