/**
 * The daily load as a Temporal Schedule: every day at a configured UTC time, dailyLoad starts with no
 * business date and loads the day before the action's nominal time (workflows/businessDate.ts), so
 * catch-up runs and backfills load the day they stand for, not the day they happen to run.
 * Idempotent: creating a schedule that exists updates it.
 */
import { type Client, type ScheduleHandle, type ScheduleOptionsAction, type ScheduleOverlapPolicy } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { RUN_KIND } from '../../workflows/searchAttributes';
import { upsertSchedule } from './upsertSchedule';

export interface DailyScheduleOptions {
  scheduleId: string;
  taskQueue: string;
  /** Time of day, UTC. */
  hour: number;
  minute: number;
  /** How late after an outage a missed run is still taken (then: backfill). */
  catchupWindow: Duration;
  /** What happens when a run is still going at the next action time. */
  overlap: ScheduleOverlapPolicy;
  paused?: boolean;
  /** Set RunKind=scheduled on the runs: only when the namespace has cartwheel's search attributes. */
  searchAttributes: boolean;
}

export async function upsertDailySchedule(client: Client, o: DailyScheduleOptions): Promise<{ handle: ScheduleHandle; created: boolean }> {
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: 'dailyLoad',
    // The server appends the action time: daily-scheduled-2024-03-11T02:00:00Z.
    workflowId: `daily-scheduled`,
    taskQueue: o.taskQueue,
    args: [{}],
    ...(o.searchAttributes ? { typedSearchAttributes: [{ key: RUN_KIND, value: 'scheduled' }] } : {}),
  };
  const spec = { calendars: [{ hour: o.hour, minute: o.minute, comment: 'daily load of the previous day' }] };
  const policies = { catchupWindow: o.catchupWindow, overlap: o.overlap };
  return upsertSchedule(client, { scheduleId: o.scheduleId, spec, action, policies, paused: o.paused });
}

/**
 * Backfill business dates from..to (inclusive): the action times are the day after each date at the
 * schedule's time. BUFFER_ALL runs them one after another, oldest first, as the type 2 customer
 * history requires.
 */
export async function backfillDailySchedule(handle: ScheduleHandle, from: string, to: string, at: { hour: number; minute: number }): Promise<void> {
  const actionTime = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000 + (at.hour * 60 + at.minute) * 60_000);
  // A minute's slack on both sides keeps the first and last action inside the range whatever the
  // server's boundary convention; the next action is a day away.
  await handle.backfill([{ start: new Date(actionTime(from).getTime() - 60_000), end: new Date(actionTime(to).getTime() + 60_000), overlap: 'BUFFER_ALL' }]);
}
