/**
 * Create a Temporal Schedule, or update it in place when it exists: `npm run schedule` is idempotent.
 * An update keeps the schedule's other policies and, unless told otherwise, its paused state.
 */
import { ScheduleAlreadyRunning, type Client, type ScheduleHandle, type ScheduleOptions } from '@temporalio/client';

export interface ScheduleDefinition {
  scheduleId: string;
  spec: ScheduleOptions['spec'];
  action: ScheduleOptions['action'];
  policies: NonNullable<ScheduleOptions['policies']>;
  paused?: boolean;
}

export async function upsertSchedule(client: Client, d: ScheduleDefinition): Promise<{ handle: ScheduleHandle; created: boolean }> {
  try {
    const handle = await client.schedule.create({ scheduleId: d.scheduleId, spec: d.spec, action: d.action, policies: d.policies, state: { paused: d.paused ?? false, note: 'npm run schedule' } });
    return { handle, created: true };
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    const handle = client.schedule.getHandle(d.scheduleId);
    await handle.update((previous) => ({
      ...previous,
      spec: d.spec,
      action: d.action,
      policies: { ...previous.policies, ...d.policies },
      state: { ...previous.state, paused: d.paused ?? previous.state.paused },
    }));
    return { handle, created: false };
  }
}
