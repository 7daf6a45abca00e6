/**
 * replayLoad (disaster recovery): rebuild a date range of the warehouse from the archive of raw
 * inputs. Each archived day, oldest first (type 2 customer history depends on the order), is put
 * back into landing after its checksums are verified and loaded by a dailyLoad child with the usual
 * ID `daily-<date>`, so a replay never runs beside a load of the same day. Then every archived change
 * batch exported on or after `from` is restored and re-applied, oldest first, by a changeBatchLoad
 * child (`changes-<batch id>`): batches change rows of days, so they come after all the days. Every
 * `datesPerRun` days (or batches) the workflow continues as new: a replay of years keeps a bounded
 * history.
 *
 * Web UI input: {"from": "2024-03-01", "to": "2024-03-31"}   Query `progress` for where it is.
 */
import { continueAsNew, defineQuery, executeChild, log, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import type { Activities } from '../activities';
import { fileActivityOptions, quickActivityOptions } from './activityOptions';
import { changeBatchLoad } from './changeBatchLoad';
import { dailyLoad } from './dailyLoad';
import { BUSINESS_DATE, OUTCOME, RUN_KIND } from './searchAttributes';

export interface ReplayLoadInput {
  from: string;
  to: string;
  /** Days (or change batches) per workflow run before continuing as new (default 25). */
  datesPerRun?: number;
  /** Carried across continue-as-new: days replayed by earlier runs of this replay. */
  replayedBefore?: number;
  /** Carried across continue-as-new once the days are done: the last change batch re-applied. */
  changesAfter?: string;
  /** Carried: the replay's first day (batches exported from then on are re-applied). */
  changesSince?: string;
  /** Carried: change batches re-applied by earlier runs, and the last day replayed. */
  batchesBefore?: number;
  lastDate?: string;
}

export interface ReplayLoadResult {
  to: string;
  replayed: number;
  lastDate?: string;
  /** Change batches re-applied, when there were any. */
  changeBatches?: number;
}

export interface ReplayProgress {
  to: string;
  total: number;
  replayed: number;
  current?: string;
  /** Change batches re-applied so far, once the days are done. */
  changeBatches?: number;
}

export const replayProgressQuery = defineQuery<ReplayProgress>('progress');

const quick = proxyActivities<Activities>(quickActivityOptions);
const files = proxyActivities<Activities>(fileActivityOptions);

export async function replayLoad(input: ReplayLoadInput): Promise<ReplayLoadResult> {
  const perRun = input.datesPerRun ?? 25;
  const replayedBefore = input.replayedBefore ?? 0;
  // Children carry the search attributes only when this replay's starter set them (see dailyLoad).
  const visible = workflowInfo().typedSearchAttributes.get(RUN_KIND) !== undefined;
  const changesSince = input.changesSince ?? input.from;
  let lastDate = input.lastDate;
  let progress: ReplayProgress;

  // A run continued for the change batches has no days left to replay.
  if (input.changesAfter === undefined) {
    // One more than a run's share: tells whether another run is needed.
    const { dates, total } = await quick.listArchivedDates({ from: input.from, to: input.to, limit: perRun + 1 });
    progress = { to: input.to, total: replayedBefore + total, replayed: replayedBefore };
    setHandler(replayProgressQuery, () => progress);

    const batch = dates.slice(0, perRun);
    for (const businessDate of batch) {
      progress.current = businessDate;
      await files.restoreLanding(businessDate);
      const typedSearchAttributes: SearchAttributePair[] = visible ? [{ key: RUN_KIND, value: 'replay' }, { key: BUSINESS_DATE, value: businessDate }] : [];
      await executeChild(dailyLoad, { workflowId: `daily-${businessDate}`, args: [{ businessDate, runKind: 'replay' }], typedSearchAttributes });
      progress.replayed += 1;
      log.info('replayed day', { businessDate, replayed: progress.replayed, total: progress.total });
    }
    progress.current = undefined;
    lastDate = batch.at(-1) ?? lastDate;

    if (dates.length > perRun) {
      const next = dayAfter(batch[batch.length - 1]);
      return continueAsNew<typeof replayLoad>({ ...input, from: next, replayedBefore: progress.replayed, changesSince, lastDate });
    }
  } else {
    progress = { to: input.to, total: replayedBefore, replayed: replayedBefore };
    setHandler(replayProgressQuery, () => progress);
  }

  let changeBatches = input.batchesBefore ?? 0;
  const { batchIds } = await quick.listArchivedChangeBatches({ since: changesSince, after: input.changesAfter ?? '', limit: perRun + 1 });
  const share = batchIds.slice(0, perRun);
  for (const batchId of share) {
    progress.current = `changes-${batchId}`;
    await files.restoreChangeBatch(batchId);
    const typedSearchAttributes: SearchAttributePair[] = visible ? [{ key: RUN_KIND, value: 'replay' }] : [];
    await executeChild(changeBatchLoad, { workflowId: `changes-${batchId}`, args: [{ batchId, runKind: 'replay' }], typedSearchAttributes });
    changeBatches += 1;
    progress.changeBatches = changeBatches;
    log.info('re-applied change batch', { batchId, changeBatches });
  }
  progress.current = undefined;
  if (batchIds.length > perRun) {
    return continueAsNew<typeof replayLoad>({ ...input, changesSince, changesAfter: share[share.length - 1], replayedBefore: progress.replayed, batchesBefore: changeBatches, lastDate });
  }

  if (visible) upsertSearchAttributes([{ key: OUTCOME, value: 'succeeded' }]);
  return { to: input.to, replayed: progress.replayed, lastDate, ...(changeBatches > 0 ? { changeBatches } : {}) };
}

function dayAfter(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
