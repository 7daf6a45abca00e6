/**
 * incrementalLoad as a Temporal Schedule: every N minutes, overlap SKIP (a run still going means the
 * next one has nothing to add), catch-up window of one interval (a missed tick is not worth replaying:
 * the next run picks up everything anyway). Creating a schedule that exists updates it.
 */
import { type Client, type ScheduleHandle, type ScheduleOptionsAction } from '@temporalio/client';
import { RUN_KIND } from '../../workflows/searchAttributes';
import { upsertSchedule } from './upsertSchedule';

export interface IncrementalScheduleOptions {
  scheduleId: string;
  taskQueue: string;
  everyMinutes: number;
  paused?: boolean;
  searchAttributes: boolean;
}

export async function upsertIncrementalSchedule(client: Client, o: IncrementalScheduleOptions): Promise<{ handle: ScheduleHandle; created: boolean }> {
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: 'incrementalLoad',
    workflowId: 'incremental',
    taskQueue: o.taskQueue,
    args: [{}],
    ...(o.searchAttributes ? { typedSearchAttributes: [{ key: RUN_KIND, value: 'incremental' }] } : {}),
  };
  const every = o.everyMinutes * 60_000;
  const spec = { intervals: [{ every }] };
  const policies = { overlap: 'SKIP' as const, catchupWindow: Math.max(every, 60_000) };
  return upsertSchedule(client, { scheduleId: o.scheduleId, spec, action, policies, paused: o.paused });
}
