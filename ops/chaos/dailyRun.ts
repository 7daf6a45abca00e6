/**
 * Driving one dailyLoad through Temporal from the outside: start it, watch its pending activities
 * (to strike while a given one runs, and to read why its attempts failed), and hand the attempts a
 * killed worker held back for retry.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { setTimeout as delay } from 'node:timers/promises';
import { CHAOS_DATE } from './chaosStack';

const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

export function startDailyRun(client: Client, taskQueue: string, businessDate = CHAOS_DATE): Promise<WorkflowHandle> {
  return client.workflow.start('dailyLoad', {
    taskQueue,
    workflowId: `daily-${businessDate}-${taskQueue}`,
    args: [{ businessDate }],
  });
}

/** How a run failed: the innermost failure's type and message (file names, never row values). */
export async function runFailure(handle: WorkflowHandle): Promise<{ type: string; message: string } | undefined> {
  try {
    await handle.result();
    return undefined;
  } catch (error) {
    let inner = error as { cause?: unknown; type?: string; message: string };
    while (inner.cause) inner = inner.cause as typeof inner;
    return { type: inner.type ?? inner.constructor.name, message: inner.message };
  }
}

export interface PendingActivity {
  activityId: string;
  type: string;
  started: boolean;
  /** 1 for the first attempt; more once Temporal retries it. */
  attempt: number;
  /** Why the previous attempt failed, when it did. */
  lastFailure?: string;
}

export async function pendingActivities(handle: WorkflowHandle): Promise<PendingActivity[]> {
  const description = await handle.describe();
  return (description.raw.pendingActivities ?? []).map((a) => ({
    activityId: a.activityId ?? '',
    type: a.activityType?.name ?? '',
    started: a.state === STARTED,
    attempt: a.attempt ?? 1,
    lastFailure: a.lastFailure?.message ?? undefined,
  }));
}

/**
 * The failures of an activity's attempts, in order, until one satisfies `enough` (then resolved);
 * fails if the run ends first or nothing satisfies it within the time.
 */
export async function waitForFailures(handle: WorkflowHandle, type: string, enough: (failure: string) => boolean, timeoutMs = 120_000): Promise<string[]> {
  const failures = new Map<number, string>();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const a of await pendingActivities(handle)) {
      if (a.type === type && a.attempt > 1 && a.lastFailure) failures.set(a.attempt - 1, a.lastFailure);
    }
    const seen = [...failures.entries()].sort(([x], [y]) => x - y).map(([, failure]) => failure);
    if (seen.some(enough)) return seen;
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') throw new Error(`the run ended (${status.name}) with ${type} failures: ${seen.join(' | ') || 'none'}`);
    await delay(100);
  }
  throw new Error(`no failure of ${type} as expected within ${timeoutMs / 1000} s (saw: ${[...failures.values()].join(' | ') || 'none'})`);
}

/** Resolves once an activity of the type is running on a worker; fails if the run ends first. */
export async function waitForRunning(handle: WorkflowHandle, type: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await pendingActivities(handle)).some((a) => a.type === type && a.started)) return;
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') throw new Error(`the run ended (${status.name}) before ${type} was seen running`);
    await delay(25);
  }
  throw new Error(`${type} did not start within ${timeoutMs / 1000} s`);
}

/**
 * A killed worker's attempts stay "started" until their heartbeat timeout (2 and 10 minutes), which
 * is how production notices the crash. To keep the suite short we do what an operator does with
 * `temporal activity fail`: fail those attempts; their retry policy runs them again on the new worker.
 */
export async function failOrphanedAttempts(client: Client, handle: WorkflowHandle): Promise<string[]> {
  const orphaned = (await pendingActivities(handle)).filter((a) => a.started);
  for (const activity of orphaned) {
    await client.activity.fail(
      { workflowId: handle.workflowId, activityId: activity.activityId },
      new Error('chaos: the worker running this attempt was killed'),
    ).catch(() => undefined); // it may have completed or been retried in the meantime
  }
  return orphaned.map((a) => a.type);
}
