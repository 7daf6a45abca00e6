/**
 * The CPU-heavy half of the transform, as plain functions of serialisable jobs, so they can
 * run on a worker thread (both cores busy) or inline. Errors come back as data: structured clone
 * would drop an ApplicationFailure's type and retry flag on the way out of a thread.
 */

export interface TaskFailure {
  failed: { message: string; type?: string; nonRetryable?: boolean };
}

/** No task runs on a thread any more: ingest and transform run in the engine (issue 11). */
export const NO_TASKS = true;

async function asResult<T>(work: () => Promise<T>): Promise<T | TaskFailure> {
  try {
    return await work();
  } catch (error) {
    const e = error as Error & { type?: string; nonRetryable?: boolean };
    return { failed: { message: e.message, type: e.type ?? e.name, nonRetryable: e.nonRetryable } };
  }
}
