/**
 * Timeouts and retries per kind of activity. Bad data fails with a non-retryable ApplicationFailure
 * (retrying cannot fix a file); anything else (a busy disk, a warehouse restart) is retried with
 * exponential backoff. Long activities heartbeat, so a dead worker is noticed within the heartbeat
 * timeout instead of the start-to-close timeout.
 */
import { ActivityCancellationType, type ActivityOptions } from '@temporalio/workflow';

const retry = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 5,
} as const;

/** Polling the landing folder: fast, cheap, retried quickly. */
export const quickActivityOptions: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry,
};

/** Ingest, transform, quality and stage: streaming file work that heartbeats as it goes. */
export const fileActivityOptions: ActivityOptions = {
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '2 minutes',
  retry,
};

/**
 * Ingest and transform (engine statements that abort on cancel): on cancel the workflow waits until
 * the activity has stopped, so the clean-up that follows never races a writer that is still running.
 */
export const engineActivityOptions: ActivityOptions = {
  ...fileActivityOptions,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};

/**
 * Warehouse work: a month rebuild runs long statements, and the load activity beats every second
 * while they run; a minute without a beat is a dead worker (its retry runs elsewhere).
 */
export const warehouseActivityOptions: ActivityOptions = {
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry: { ...retry, maximumInterval: '2 minutes', maximumAttempts: 10 },
};
