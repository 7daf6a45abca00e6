/**
 * incrementalLoad: load whatever landed since the last run, and nothing else. Meant to run every few
 * minutes from a Schedule with overlap SKIP.
 *
 * 1. New days, found by content hash against landing_manifest in the warehouse (not workflow state):
 *    a day is loaded when one of its files is new or changed, by a dailyLoad child with the usual ID
 *    `daily-<date>`, oldest first; that rebuilds only the month of that day. The outcome is recorded
 *    per content, so a day that failed is tried again only when its files change.
 * 2. Then change batches (landing/changes/<batch id>/: later versions of loaded order lines and
 *    payments, with updated_at), found by content hash against change_manifest, oldest batch id
 *    first, each applied by a changeBatchLoad child with the ID `changes-<batch id>`: it rebuilds
 *    only the months holding a row newer than the warehouse's version. Days go first, so a batch
 *    finds the rows it changes when their days landed together with it.
 */
import { ChildWorkflowFailure, executeChild, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { SearchAttributePair } from '@temporalio/common';
import type { Activities } from '../activities';
import { fileActivityOptions, quickActivityOptions } from './activityOptions';
import { changeBatchLoad } from './changeBatchLoad';
import { dailyLoad } from './dailyLoad';
import { BUSINESS_DATE, RUN_KIND } from './searchAttributes';

export interface IncrementalLoadInput {
  /** At most this many days per run (default 31); the rest wait for the next run. */
  maxDays?: number;
  /** At most this many change batches per run (default 20); the rest wait for the next run. */
  maxBatches?: number;
}

export interface ChangeBatchOutcomes {
  applied: string[];
  failed: string[];
  /** The batch was already being applied by another run: left for the next run. */
  busy: string[];
  /** Folders of landing/changes/ whose name is not a batch id (the worker log says why). */
  refused: string[];
}

export interface IncrementalLoadResult {
  loaded: string[];
  failed: string[];
  /** A load of that day was already running: left for the next run. */
  busy: string[];
  /** Present when change batches (or refused folders) were found. */
  changes?: ChangeBatchOutcomes;
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
      await executeChild(dailyLoad, { workflowId: `daily-${businessDate}`, args: [{ businessDate, runKind: 'incremental' }], typedSearchAttributes });
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
  const changes = await applyChangeBatches(input.maxBatches ?? 20, visible);
  if (changes) result.changes = changes;
  return result;
}

async function applyChangeBatches(limit: number, visible: boolean): Promise<ChangeBatchOutcomes | undefined> {
  const { batches, refused } = await files.detectChangeBatches(limit);
  if (batches.length === 0 && refused.length === 0) return undefined;
  const outcomes: ChangeBatchOutcomes = { applied: [], failed: [], busy: [], refused: refused.map((r) => r.folder) };
  for (const { folder, reason } of refused) log.warn('change batch folder refused', { folder, reason });
  for (const batch of batches) {
    const { batchId, batchDate } = batch;
    const typedSearchAttributes: SearchAttributePair[] = visible ? [{ key: RUN_KIND, value: 'incremental' }, { key: BUSINESS_DATE, value: batchDate }] : [];
    try {
      // The default ID reuse policy lets a finished batch run again (a file added to it later); a
      // batch being applied by another run is left to it.
      await executeChild(changeBatchLoad, { workflowId: `changes-${batchId}`, args: [{ batchId, runKind: 'incremental' }], typedSearchAttributes });
      outcomes.applied.push(batchId);
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        outcomes.busy.push(batchId);
        continue;
      }
      if (!(error instanceof ChildWorkflowFailure)) throw error;
      // The child recorded its run (failed, with the reason); remember the content so it is tried
      // again only when its files change.
      await quick.recordChangeManifest({ batchId, files: batch.files, outcome: 'failed' });
      outcomes.failed.push(batchId);
      log.warn('change batch failed; it is retried when its files change', { batchId });
    }
  }
  return outcomes;
}
