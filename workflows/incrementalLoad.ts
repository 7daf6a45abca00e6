/**
 * incrementalLoad: load whatever landed since the last run, and nothing else. New days are found by
 * content hash against landing_manifest in the warehouse (not workflow state): a day is loaded when
 * one of its files is new or changed, by a dailyLoad child with the usual ID `daily-<date>`, oldest
 * first; that rebuilds only the month of that day, so other months' partitions are not touched.
 * The outcome is recorded per content, so a day that failed is tried again only when its files change.
 * Meant to run every few minutes from a Schedule with overlap SKIP.
 *
 * Not yet: changed rows of earlier days by an updated_at watermark (a correction arrives as a new
 * export of the day it belongs to, which the content hash detects).
 */
import { ChildWorkflowFailure, executeChild, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { SearchAttributePair } from '@temporalio/common';
import type { Activities } from '../activities';
import { fileActivityOptions, quickActivityOptions } from './activityOptions';
import { dailyLoad } from './dailyLoad';
import { BUSINESS_DATE, RUN_KIND } from './searchAttributes';

export interface IncrementalLoadInput {
  /** At most this many days per run (default 31); the rest wait for the next run. */
  maxDays?: number;
}

export interface IncrementalLoadResult {
  loaded: string[];
  failed: string[];
  /** A load of that day was already running: left for the next run. */
  busy: string[];
}

const quick = proxyActivities<Activities>(quickActivityOptions);
const files = proxyActivities<Activities>(fileActivityOptions);

export async function incrementalLoad(input: IncrementalLoadInput = {}): Promise<IncrementalLoadResult> {
  const landings = await files.detectNewLandings(input.maxDays ?? 31);
  const visible = workflowInfo().typedSearchAttributes.get(RUN_KIND) !== undefined;
  const result: IncrementalLoadResult = { loaded: [], failed: [], busy: [] };
  for (const landing of landings) {
    const { businessDate } = landing;
    const typedSearchAttributes: SearchAttributePair[] = visible ? [{ key: RUN_KIND, value: 'incremental' }, { key: BUSINESS_DATE, value: businessDate }] : [];
    try {
      await executeChild(dailyLoad, { workflowId: `daily-${businessDate}`, args: [{ businessDate }], typedSearchAttributes });
      await quick.recordLanding({ landing, outcome: 'succeeded' });
      result.loaded.push(businessDate);
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        result.busy.push(businessDate);
        continue;
      }
      if (!(error instanceof ChildWorkflowFailure)) throw error;
      // The child's failure (and its advice) is in its own history and run record.
      await quick.recordLanding({ landing, outcome: 'failed' });
      result.failed.push(businessDate);
      log.warn('incremental load of a day failed; it is retried when its files change', { businessDate });
    }
  }
  return result;
}
