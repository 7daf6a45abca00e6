/**
 * changeBatchLoad: apply one change batch (landing/changes/<batch id>/orders.csv, payments.csv) to
 * the warehouse.
 *
 *   archive the raw files -> stage (contract, cleaning, compare with the loaded versions, publish
 *   changes=<batch id> folders) -> rebuild each month holding an applied row -> run record
 *
 * Started by incrementalLoad (new batches) and replayLoad (archived batches) as a child with the ID
 * `changes-<batch id>`, so one batch is never applied twice at the same time. Applying a batch again
 * is a no-op: its rows are no longer newer than what the warehouse holds, so no month is rebuilt.
 * Only file references and counts travel through the history, never rows.
 */
import { CancellationScope, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities, ArchivedChangeBatch, ChangeSourceAccount, ChangeStageSummary } from '../activities';
import { fileActivityOptions, warehouseActivityOptions } from './activityOptions';
import type { RunKind } from './searchAttributes';

export interface ChangeBatchLoadInput {
  /** The batch's folder under landing/changes/: YYYYMMDDTHHMMSSZ[-label]. */
  batchId: string;
  /** For the run record and audit log: 'incremental' (default) or 'replay'. */
  runKind?: Extract<RunKind, 'incremental' | 'replay'>;
}

export interface ChangeBatchLoadResult {
  batchId: string;
  batchDate: string;
  runId: string;
  sources: ChangeSourceAccount[];
  /** Partitions (YYYYMM) rebuilt: only months holding an applied row. */
  monthsRebuilt: number[];
}

const files = proxyActivities<Activities>(fileActivityOptions);
const warehouse = proxyActivities<Activities>(warehouseActivityOptions);

export async function changeBatchLoad(input: ChangeBatchLoadInput): Promise<ChangeBatchLoadResult> {
  const info = workflowInfo();
  const startedAt = Date.now(); // deterministic: workflow time
  let archived: ArchivedChangeBatch | undefined;
  let staged: ChangeStageSummary | undefined;
  const record = (status: 'succeeded' | 'failed', failure?: string) =>
    warehouse.recordChangeBatch({
      batchId: input.batchId,
      runId: info.runId,
      workflowId: info.workflowId,
      kind: input.runKind ?? 'incremental',
      status,
      failure,
      startedAt,
      staged,
      files: archived?.files,
    });

  try {
    // Archived before anything is staged, so every applied batch can be replayed.
    archived = await files.archiveChangeBatch(input.batchId);
    staged = await files.stageChangeBatch(input.batchId);
    // Each month with an applied row is rebuilt from its staged files by the month load dailyLoad
    // uses; no other partition is touched. Loads in one worker run one at a time (loadMonth's queue).
    for (const { businessDate } of staged.months) await warehouse.loadWarehouse({ businessDate });
    await record('succeeded');
    log.info('change batch applied', { batchId: input.batchId, months: staged.months.map((m) => m.month) });
    return { batchId: input.batchId, batchDate: staged.batchDate, runId: info.runId, sources: staged.sources, monthsRebuilt: staged.months.map((m) => m.month) };
  } catch (error) {
    try {
      await CancellationScope.nonCancellable(() => record('failed', messageOf(error)));
    } catch (recordError) {
      // The batch's own failure is what the person needs to see; a missing record is secondary.
      log.error('could not record the failed change batch', { batchId: input.batchId, error: messageOf(recordError) });
    }
    throw error;
  }
}

function messageOf(error: unknown): string {
  const failure = error as { cause?: { message?: string }; message?: string };
  return (failure.cause?.message ?? failure.message ?? String(error)).slice(0, 2000);
}
