/**
 * A day's file work on one worker: Temporal's worker-specific task queue pattern
 * (temporalio/samples-typescript activities-sticky-queues).
 *
 * Ingest, transform, quality and stage of one business date pass files to each other through the
 * worker's scratch folder (work/<date>/), so with several workers they must run on the same one. An
 * activity on the shared queue answers with the queue of the worker that picked it up; the day's file
 * activities then go to that queue with a schedule-to-start timeout. A worker that dies takes its
 * scratch files with it: its pinned tasks are never picked up, the timeout fails them, and dailyLoad
 * redoes the day from ingest on whichever worker answers next. Workers hold nothing else between
 * activities: landing, staging, quarantine and archive are shared storage, and the warehouse is the
 * warehouse, so every other activity runs on any worker.
 *
 * A worker that pins nothing (one worker, the default) answers null, and the day's activities stay on
 * the shared queue as before.
 */
import { TimeoutType } from '@temporalio/common';
import { ActivityFailure, TimeoutFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { engineActivityOptions, fileActivityOptions, quickActivityOptions } from './activityOptions';

/** The patch id of dailyLoad's pinning: histories recorded before it replay without it. */
export const PIN_DAY_TO_WORKER = 'pin-day-to-worker';

/** How many times a day's file work starts over on another worker before the run fails. */
export const MAX_DAY_ATTEMPTS = 3;

/**
 * How long a pinned task waits for its worker. A live worker takes a task within a second (it polls
 * its own queue, and the day's four sources fit its four activity slots); longer means it is gone.
 */
const PINNED_SCHEDULE_TO_START = '20 seconds';

/** Ingest and transform heartbeat every second: 30 s without one is a dead worker, not a slow statement. */
const PINNED_ENGINE_HEARTBEAT = '30 seconds';

export interface DayActivities {
  /** Ingest and transform. */
  engine: Activities;
  /** Quality, stage and the clean-up of the day's work folder. */
  files: Activities;
}

const shared: DayActivities = { engine: proxyActivities<Activities>(engineActivityOptions), files: proxyActivities<Activities>(fileActivityOptions) };
const askQueue = proxyActivities<Activities>(quickActivityOptions);

/** The day's file activities on the queue of the worker that answers (or on the shared queue). */
export async function pinDay(): Promise<DayActivities & { taskQueue?: string }> {
  const taskQueue = await askQueue.workerTaskQueue();
  if (taskQueue === null) return shared;
  const pinned = { taskQueue, scheduleToStartTimeout: PINNED_SCHEDULE_TO_START };
  return {
    taskQueue,
    engine: proxyActivities<Activities>({ ...engineActivityOptions, ...pinned, heartbeatTimeout: PINNED_ENGINE_HEARTBEAT }),
    files: proxyActivities<Activities>({ ...fileActivityOptions, ...pinned }),
  };
}

/** The activities the day ran on before pinning (and that old histories replay with). */
export const unpinnedDay: DayActivities = shared;

/** A pinned task that no worker took in time: the worker it was pinned to is gone. */
export function lostWorker(error: unknown): boolean {
  return error instanceof ActivityFailure && error.cause instanceof TimeoutFailure && error.cause.timeoutType === TimeoutType.SCHEDULE_TO_START;
}
