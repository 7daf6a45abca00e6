/**
 * The running activity's context, or undefined when the same code runs outside Temporal (the
 * benchmark, scripts). Heartbeats from outside an activity are simply not sent.
 */
import { Context } from '@temporalio/activity';

export function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export function heartbeat(details: unknown): void {
  currentActivity()?.heartbeat(details);
}

/**
 * Heartbeat `details()` every second while `work` runs: one engine statement may run for minutes
 * and says nothing until it ends, and cancellation reaches an activity only in a heartbeat's answer.
 */
export async function heartbeatWhile<T>(details: () => unknown, work: () => Promise<T>): Promise<T> {
  const context = currentActivity();
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
 * An activity cancelled while an engine statement ran (the engine finishes a statement it has
 * started) reports the cancellation instead of its result: a workflow waiting for the cancellation
 * to complete must get it, and work done after a cancel is not published.
 */
export function throwIfCancelled(): void {
  const signal = currentActivity()?.cancellationSignal;
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : Object.assign(new Error('the activity was cancelled'), { name: 'AbortError' });
}
