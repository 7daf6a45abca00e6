/**
 * replayLoad (disaster recovery): rebuild a date range of the warehouse from the archive of raw
 * inputs. Each archived day, oldest first (type 2 customer history depends on the order), is put
 * back into landing after its checksums are verified and loaded by a dailyLoad child with the usual
 * ID `daily-<date>`, so a replay never runs beside a load of the same day. Every `datesPerRun` days
 * the workflow continues as new: a replay of years keeps a bounded history.
 *
 * Web UI input: {"from": "2024-03-01", "to": "2024-03-31"}   Query `progress` for where it is.
 */
import { continueAsNew, defineQuery, executeChild, log, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import type { Activities } from '../activities';
import { fileActivityOptions, quickActivityOptions } from './activityOptions';
import { dailyLoad } from './dailyLoad';
import { BUSINESS_DATE, OUTCOME, RUN_KIND } from './searchAttributes';

export interface ReplayLoadInput {
  from: string;
  to: string;
  /** Days per workflow run before continuing as new (default 25). */
  datesPerRun?: number;
  /** Carried across continue-as-new: days replayed by earlier runs of this replay. */
  replayedBefore?: number;
}

export interface ReplayLoadResult {
  to: string;
  replayed: number;
  lastDate?: string;
}

export interface ReplayProgress {
  to: string;
  total: number;
  replayed: number;
  current?: string;
}

export const replayProgressQuery = defineQuery<ReplayProgress>('progress');

const quick = proxyActivities<Activities>(quickActivityOptions);
const files = proxyActivities<Activities>(fileActivityOptions);

export async function replayLoad(input: ReplayLoadInput): Promise<ReplayLoadResult> {
  const perRun = input.datesPerRun ?? 25;
  const replayedBefore = input.replayedBefore ?? 0;
  // One more than a run's share: tells whether another run is needed.
  const { dates, total } = await quick.listArchivedDates({ from: input.from, to: input.to, limit: perRun + 1 });
  const progress: ReplayProgress = { to: input.to, total: replayedBefore + total, replayed: replayedBefore };
  setHandler(replayProgressQuery, () => progress);
  // Children carry the search attributes only when this replay's starter set them (see dailyLoad).
  const visible = workflowInfo().typedSearchAttributes.get(RUN_KIND) !== undefined;

  const batch = dates.slice(0, perRun);
  for (const businessDate of batch) {
    progress.current = businessDate;
    await files.restoreLanding(businessDate);
    const typedSearchAttributes: SearchAttributePair[] = visible ? [{ key: RUN_KIND, value: 'replay' }, { key: BUSINESS_DATE, value: businessDate }] : [];
    await executeChild(dailyLoad, { workflowId: `daily-${businessDate}`, args: [{ businessDate }], typedSearchAttributes });
    progress.replayed += 1;
    log.info('replayed day', { businessDate, replayed: progress.replayed, total: progress.total });
  }
  progress.current = undefined;

  if (dates.length > perRun) {
    const next = dayAfter(batch[batch.length - 1]);
    return continueAsNew<typeof replayLoad>({ ...input, from: next, replayedBefore: progress.replayed });
  }
  if (visible) upsertSearchAttributes([{ key: OUTCOME, value: 'succeeded' }]);
  return { to: input.to, replayed: progress.replayed, lastDate: batch[batch.length - 1] };
}

function dayAfter(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
