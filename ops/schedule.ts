/**
 * `npm run schedule`: create or update the daily load's Temporal Schedule, or backfill it.
 *
 *   npm run schedule -- daily [--at 02:00] [--catchup "6 hours"] [--overlap SKIP|BUFFER_ONE|BUFFER_ALL|CANCEL_OTHER|TERMINATE_OTHER|ALLOW_ALL] [--paused] [--id daily-load]
 *   npm run schedule -- backfill --from 2024-03-01 --to 2024-03-31 [--id daily-load]
 *   npm run schedule -- incremental [--every 15] [--paused] [--id incremental-load]     (minutes; overlaps skipped)
 *
 * Times are UTC. A run at --at on day D+1 loads business date D. A worker must be running.
 * A backfill request is written to the audit log (through the worker's SQL gateway in embedded mode).
 */
import { ScheduleNotFoundError } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { assertBusinessDate } from '../domain/layout';
import { BUSINESS_DATE_RULE } from '../domain/businessDateRule';
import { loadConfig } from '../workers/config';
import { auditBackfillRequest } from './schedule/auditBackfill';
import { backfillDailySchedule, upsertDailySchedule } from './schedule/dailySchedule';
import { upsertIncrementalSchedule } from './schedule/incrementalSchedule';
import { registerSearchAttributes } from './stack/searchAttributes';
import { opsWarehouse } from './stack/warehouseClient';
import { temporalClient } from './stack/temporalClient';

const date = z.string().refine((d) => {
  try { assertBusinessDate(d); return true; } catch { return false; }
}, BUSINESS_DATE_RULE);
const dailySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]+$/).default('daily-load'),
  at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (UTC)').default('02:00'),
  catchup: z.string().regex(/^\d+ ?(seconds?|minutes?|hours?|days?|[smhd])$/, 'a duration like "6 hours" or 6h').default('6 hours'),
  overlap: z.enum(['SKIP', 'BUFFER_ONE', 'BUFFER_ALL', 'CANCEL_OTHER', 'TERMINATE_OTHER', 'ALLOW_ALL']).default('SKIP'),
  paused: z.boolean().default(false),
});
const incrementalSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]+$/).default('incremental-load'),
  every: z.coerce.number().int().min(1).max(1440).default(15),
  paused: z.boolean().default(false),
});
const backfillSchema = z.object({ id: z.string().default('daily-load'), from: date, to: date }).refine((a) => a.from <= a.to, { message: '--from must not be after --to', path: ['from'] });

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { id: { type: 'string' }, every: { type: 'string' }, at: { type: 'string' }, catchup: { type: 'string' }, overlap: { type: 'string' }, paused: { type: 'boolean' }, from: { type: 'string' }, to: { type: 'string' } },
  });
  const command = positionals[0];
  const schema = command === 'daily' ? dailySchema : command === 'backfill' ? backfillSchema : command === 'incremental' ? incrementalSchema : undefined;
  const parsed = schema?.safeParse(values);
  if (!schema || !parsed?.success) {
    if (parsed && !parsed.success) console.error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
    console.error('usage: npm run schedule -- daily [--at HH:MM] [--catchup "6 hours"] [--overlap SKIP|BUFFER_ONE|...] [--paused] | backfill --from D1 --to D2 | incremental [--every MINUTES] [--paused]');
    return 2;
  }
  const config = loadConfig();
  const temporal = await temporalClient(config).catch((error: Error) => {
    throw new Error(`Temporal at ${config.temporal.address} does not answer (${error.message}); start the stack with npm start, or set TEMPORAL_ADDRESS`);
  });
  try {
    if (command === 'daily') {
      const a = dailySchema.parse(values);
      const [hour, minute] = a.at.split(':').map(Number);
      const searchAttributes = await registerSearchAttributes(temporal.connection, config.temporal.namespace).then(() => true, () => false);
      const { created } = await upsertDailySchedule(temporal.client, {
        scheduleId: a.id, taskQueue: config.temporal.taskQueue, hour, minute, catchupWindow: durationMs(a.catchup), overlap: a.overlap, paused: a.paused, searchAttributes,
      });
      console.log(`${created ? 'created' : 'updated'} schedule ${a.id}: dailyLoad every day at ${a.at} UTC for the previous day; catch-up window ${a.catchup}, overlap ${a.overlap}${a.paused ? ', paused' : ''}`);
      return 0;
    }
    if (command === 'incremental') {
      const i = incrementalSchema.parse(values);
      const searchAttributes = await registerSearchAttributes(temporal.connection, config.temporal.namespace).then(() => true, () => false);
      const { created } = await upsertIncrementalSchedule(temporal.client, { scheduleId: i.id, taskQueue: config.temporal.taskQueue, everyMinutes: i.every, paused: i.paused, searchAttributes });
      console.log(`${created ? 'created' : 'updated'} schedule ${i.id}: incrementalLoad every ${i.every} minute(s), overlaps skipped${i.paused ? ', paused' : ''}`);
      return 0;
    }
    const b = backfillSchema.parse(values);
    const handle = temporal.client.schedule.getHandle(b.id);
    const described = await handle.describe().catch((error: Error) => {
      if (error instanceof ScheduleNotFoundError) throw new Error(`no schedule ${b.id}: create it first with npm run schedule -- daily`);
      throw error;
    });
    const calendar = described.spec.calendars?.[0];
    const hour = calendar?.hour[0]?.start ?? 0;
    const minute = calendar?.minute[0]?.start ?? 0;
    await backfillDailySchedule(handle, b.from, b.to, { hour, minute });
    const warehouse = await opsWarehouse(config);
    try {
      await auditBackfillRequest(warehouse, { scheduleId: b.id, from: b.from, to: b.to });
    } finally {
      await warehouse.close();
    }
    console.log(`backfill of ${b.from}..${b.to} requested on ${b.id}: the runs start one after another, oldest first (npm run status, or the Web UI: TemporalScheduledById = '${b.id}')`);
    return 0;
  } finally {
    await temporal.close();
  }
}

/** "6 hours", "6h", "90 minutes" -> milliseconds. */
function durationMs(text: string): number {
  const [, amount, unit] = /^(\d+) ?([smhd])/.exec(text)!;
  return Number(amount) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit as 's' | 'm' | 'h' | 'd'];
}

main().then((code) => process.exit(code), (error: Error) => {
  console.error(`npm run schedule failed: ${error.message}`);
  process.exit(1);
});
