/**
 * What long-running stage code needs from whoever runs it: a way to say it is alive (and where it
 * stands, for the next attempt), the previous attempt's last word, and a signal to stop. Temporal
 * provides it when a stage runs as an activity (activities/temporalWorkContext.ts binds it); outside
 * (the benchmark, scripts, unit tests) there is none, heartbeats go nowhere and nothing cancels.
 * The pipeline therefore never imports Temporal.
 */
export interface WorkContext {
  /** Tell the runner the work is alive; the details reach the next attempt if this one fails. */
  heartbeat(details: unknown): void;
  /** The details of the previous attempt's last heartbeat (a retry resumes from them), if any. */
  readonly previousHeartbeat: unknown;
  readonly cancellationSignal: AbortSignal;
  /** Who holds this work across its attempts (a workflow's activity), for leases; undefined for a plain call. */
  readonly holder: string | undefined;
}

let provider: () => WorkContext | undefined = () => undefined;

/** Set once by the runner's adapter: where the running work's context comes from. */
export function provideWorkContext(current: () => WorkContext | undefined): void {
  provider = current;
}

/** The running work's context, or undefined when the code runs outside a runner. */
export function currentWork(): WorkContext | undefined {
  return provider();
}

export function heartbeat(details: unknown): void {
  currentWork()?.heartbeat(details);
}

/**
 * Heartbeat `details()` every second while `work` runs: one engine statement may run for minutes
 * and says nothing until it ends, and cancellation reaches an activity only in a heartbeat's answer.
 */
export async function heartbeatWhile<T>(details: () => unknown, work: () => Promise<T>): Promise<T> {
  const context = currentWork();
  if (!context) return work();
  context.heartbeat(details());
  const timer = setInterval(() => context.heartbeat(details()), 1_000);
  try {
    const result = await work();
    throwIfCancelled();
    return result;
  } finally {
    clearInterval(timer);
  }
}

/**
 * Work cancelled while an engine statement ran (the engine finishes a statement it has started)
 * reports the cancellation instead of its result: a workflow waiting for the cancellation to
 * complete must get it, and work done after a cancel is not published.
 */
export function throwIfCancelled(): void {
  const signal = currentWork()?.cancellationSignal;
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : Object.assign(new Error('the activity was cancelled'), { name: 'AbortError' });
}
