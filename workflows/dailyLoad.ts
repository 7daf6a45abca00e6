/**
 * dailyLoad: one business date from landed CSV exports to the warehouse.
 *
 *   wait for the day's files -> ingest (parallel) -> transform (parallel) -> quality gate
 *   -> archive the raw files -> stage Parquet (parallel) -> rebuild the month in ClickHouse -> run record
 *
 * One workflow ID per date (`daily-<date>`); starters use TERMINATE_EXISTING so a re-run replaces the day.
 *
 * Activities exchange file references and small summaries only; rows never enter workflow history.
 */
import {
  ActivityFailure,
  CancellationScope,
  ChildWorkflowFailure,
  defineQuery,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { msToNumber, type Duration } from '@temporalio/common/lib/time';
import type { Activities, IngestSummary, LoadSummary, QualityInput, QualitySummary, SourceAccount, TransformSummary } from '../activities';
import type { SourceName } from '../domain/contracts';
import { badInput } from '../domain/failures';
import { gateCounts, heldBack, refusedAccount, sourceAccount } from '../pipeline/accounts';
import { fileActivityOptions, quickActivityOptions, warehouseActivityOptions } from './activityOptions';
import { resolveBusinessDate } from './businessDate';
import { lostWorker, MAX_DAY_ATTEMPTS, PIN_DAY_TO_WORKER, pinDay, unpinnedDay, type DayActivities } from './dayPinning';
import { runSummary, type RunSummary } from './runSummary';
import { BUSINESS_DATE, OUTCOME, RUN_KIND, RUN_KINDS, type RunKind, type RunOutcome } from './searchAttributes';

const SOURCES = ['customers', 'products', 'orders', 'payments'] as const satisfies readonly SourceName[];
// Compile-time guard: adding a source to the contracts without listing it here is an error.
const everySourceListed: Exclude<SourceName, (typeof SOURCES)[number]> extends never ? true : never = true;
void everySourceListed;

export interface DailyLoadInput {
  /** YYYY-MM-DD: the day whose exports are loaded. */
  businessDate: string;
  /** How long to wait for late files before failing (default 6 hours). */
  lateFileTimeout?: Duration;
  /** How often to look for late files (default 10 minutes). */
  lateFilePollInterval?: Duration;
  /**
   * What started the run, for the run record and audit log: set by replayLoad and incrementalLoad for
   * their children. Default: the RunKind search attribute the starter set, else 'daily'.
   */
  runKind?: RunKind;
}

/** A Schedule's runs omit the date: they load the day before the schedule's action time. */
export type ScheduledDailyLoadInput = Omit<DailyLoadInput, 'businessDate'> & { businessDate?: string };

export interface DailyLoadResult {
  businessDate: string;
  runId: string;
  qualityVerdict: QualitySummary['verdict'];
  qualityReport: string;
  sources: SourceAccount[];
  quarantineFiles: Record<SourceName, string>;
  monthRows: LoadSummary['monthRows'];
}

export type DailyLoadStage = 'waiting_for_files' | 'ingesting' | 'transforming' | 'checking_quality' | 'archiving' | 'staging' | 'loading' | 'recording' | 'done' | 'failed';

export interface DailyLoadProgress {
  businessDate: string;
  stage: DailyLoadStage;
  missingFiles: SourceName[];
}

/** Ask a running dailyLoad where it is (Web UI: Queries tab, or `temporal workflow query --name progress`). */
export const progressQuery = defineQuery<DailyLoadProgress>('progress');

const landing = proxyActivities<Activities>(quickActivityOptions);
const files = proxyActivities<Activities>(fileActivityOptions);
const warehouse = proxyActivities<Activities>(warehouseActivityOptions);
const alerts = proxyActivities<Activities>(quickActivityOptions);

export async function dailyLoad(input: DailyLoadInput | ScheduledDailyLoadInput): Promise<DailyLoadResult> {
  const { businessDate } = resolveBusinessDate(input.businessDate);
  const info = workflowInfo();
  // Opt-in: a starter that sets RunKind (npm run schedule/replay, child runs) vouches that the namespace
  // has cartwheel's search attributes; upserting an unregistered one would fail every workflow task.
  const visible = info.typedSearchAttributes.get(RUN_KIND) !== undefined;
  const publish = (outcome: RunOutcome, summary?: RunSummary) => {
    if (!visible) return;
    upsertSearchAttributes([{ key: BUSINESS_DATE, value: businessDate }, { key: OUTCOME, value: outcome }]);
    if (summary) upsertMemo({ summary });
  };
  publish('running');
  const runId = info.runId;
  const kind = input.runKind ?? recordedKind(info.typedSearchAttributes.get(RUN_KIND));
  const startedAt = Date.now(); // deterministic: workflow time
  const progress: DailyLoadProgress = { businessDate, stage: 'waiting_for_files', missingFiles: [] };
  setHandler(progressQuery, () => progress);

  let ingested: IngestSummary[] = [];
  let refused: Refusal[] = [];
  let transformed: TransformSummary[] = [];
  let quality: QualitySummary | undefined;
  let rowsLoaded: Record<SourceName, number> | undefined;
  // The run's accounts so far; `heldBack`: why a stopped run did not load what it read (conservation:
  // read = loaded + quarantined + deduplicated + dropped + held back). The run record and the memo
  // both take them from here.
  const accountsSoFar = (heldBack?: string) => accounts(ingested, transformed, rowsLoaded, heldBack === undefined ? undefined : { reason: heldBack, refused });
  const record = (status: 'succeeded' | 'failed', message: string, heldBack?: string) =>
    warehouse.recordRun({
      runId,
      workflowId: info.workflowId,
      businessDate,
      kind,
      status,
      qualityVerdict: quality?.verdict ?? 'not_checked',
      message,
      startedAt,
      sources: accountsSoFar(heldBack),
      checks: quality?.checks ?? [],
    });

  try {
    await waitForFiles({ ...input, businessDate }, progress);
  } catch (error) {
    const message = messageOf(error);
    const cancelled = isCancellation(error);
    // Files that never landed are refused sources of a run that is recorded like any other.
    if (!cancelled) refused = progress.missingFiles.map((source) => ({ source, reason: `did not land in time: ${message}` }));
    publish('failed', runSummary({ businessDate, outcome: 'failed', verdict: 'not_checked', sources: accountsSoFar(message), failedAt: progress.stage, error: message }));
    if (!cancelled) {
      await record('failed', message, message).catch((recordError: unknown) => {
        log.error('could not record the failed run', { businessDate, error: messageOf(recordError) });
      });
    }
    throw error;
  }

  // The day's file work (ingest to stage) runs on one worker, next to its scratch files; a worker
  // lost on the way costs a redo of the day from ingest on another (dayPinning.ts).
  const pinning = patched(PIN_DAY_TO_WORKER);
  let day: DayActivities = unpinnedDay;
  try {
    for (let attempt = 1; ; attempt++) {
      if (pinning) day = await pinDay();
      try {
        progress.stage = 'ingesting';
        const ingesting = SOURCES.map((source) => day.engine.ingestSource({ businessDate, source }));
        try {
          ingested = await Promise.all(ingesting);
        } catch (error) {
          // A refused file: wait for the other sources, so the run record accounts for every source,
          // the refused one with its reason.
          if (!isCancellation(error)) {
            const settled = await Promise.allSettled(ingesting);
            ingested = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
            refused = settled.flatMap((s, i) => (s.status === 'rejected' ? [{ source: SOURCES[i], reason: messageOf(s.reason) }] : []));
            // A source lost with its worker makes the day a redo, whatever else the others said.
            const lost = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected' && lostWorker(s.reason));
            if (pinning && lost) throw lost.reason;
          }
          throw error;
        }

        // A header-only orders file is a day without sales (a shop closed for the day): nothing of the
        // day is loaded, its other rows are held back with that reason, and the run warns instead of
        // stopping at the quality gate over checks with nothing to measure.
        const orders = ingested.find((s) => s.source === 'orders');
        if (orders?.rowsRead === 0) {
          const message = `no sales on ${businessDate}: ${orders.file} has a header and no rows, so nothing of the day was loaded (warning). If sales are missing from the export, land the full file and run the day again.`;
          log.warn('day without sales', { businessDate });
          progress.stage = 'recording';
          await day.files.discardWork(businessDate);
          const sources = accountsSoFar(`a day without sales loads nothing: ${orders.file} has no rows`);
          await warehouse.recordRun({
            runId, workflowId: info.workflowId, businessDate, kind, status: 'succeeded', qualityVerdict: 'warned', message, startedAt, sources, checks: [],
          });
          progress.stage = 'done';
          publish('succeeded', runSummary({ businessDate, outcome: 'succeeded', verdict: 'warned', sources, months: {}, warning: message }));
          return {
            businessDate, runId, qualityVerdict: 'warned', qualityReport: '', sources,
            quarantineFiles: Object.fromEntries(ingested.map((s) => [s.source, s.quarantineFile])) as Record<SourceName, string>,
            monthRows: {},
          };
        }

        progress.stage = 'transforming';
        transformed = await Promise.all(
          ingested.map(({ source, partitions }) => day.engine.transformSource({ businessDate, source, partitions })),
        );

        progress.stage = 'checking_quality';
        quality = await day.files.checkQuality({ businessDate, runId, counts: countsBySource(ingested, transformed) });
        await alertOnThresholds(quality, { businessDate, workflowId: info.workflowId, runId });
        if (quality.verdict === 'failed') {
          // The wording is asserted by test/workflows/qualityGate.test.ts (report path last); the memo and README say what to do next.
          throw badInput(
            `quality gate stopped the load of ${businessDate}; the warehouse was not touched. Failed checks: ${crossed(quality, 'fail')}. Report: ${quality.htmlReport}`,
            'QualityGateFailed',
          );
        }

        // Archive the raw inputs before anything is published, so every loaded day can be replayed.
        progress.stage = 'archiving';
        await files.archiveInputs(businessDate);

        progress.stage = 'staging';
        await Promise.all(SOURCES.map((source) => day.files.stageSource({ businessDate, source })));
        break;
      } catch (error) {
        if (!pinning || !lostWorker(error) || attempt >= MAX_DAY_ATTEMPTS) throw error;
        // Nothing of the day was loaded; what the lost worker staged is staged again from the redo.
        log.warn('the worker of the day is gone; redoing the day on another worker', { businessDate, stage: progress.stage, attempt });
        ingested = [];
        refused = [];
        transformed = [];
        quality = undefined;
      }
    }

    progress.stage = 'loading';
    const loaded = await warehouse.loadWarehouse({ businessDate });
    rowsLoaded = loaded.rowsLoaded;

    progress.stage = 'recording';
    const sources = accountsSoFar();
    await record('succeeded', quality.verdict === 'warned' ? `loaded with quality warnings: ${crossed(quality, 'warn')}` : 'loaded');
    progress.stage = 'done';
    // A warned run names its warned checks (name, target, observed against threshold; never row values).
    publish('succeeded', runSummary({ businessDate, outcome: 'succeeded', verdict: quality.verdict, sources, months: loaded.monthRows, checks: quality.checks, report: quality.htmlReport }));
    log.info('daily load finished', { businessDate, verdict: quality.verdict });
    return {
      businessDate,
      runId,
      qualityVerdict: quality.verdict,
      qualityReport: quality.reportFile,
      sources,
      quarantineFiles: Object.fromEntries(ingested.map((s) => [s.source, s.quarantineFile])) as Record<SourceName, string>,
      monthRows: loaded.monthRows,
    };
  } catch (error) {
    const outcome: RunOutcome = quality?.verdict === 'failed' ? 'quality_failed' : 'failed';
    const failedAt = progress.stage;
    // Cancelled: clean up and record even though the run is cancelled.
    const cancelled = isCancellation(error);
    const message = cancelled ? `cancelled while ${failedAt}; ${CANCEL_LEAVES[failedAt] ?? 'nothing was staged or loaded'}` : messageOf(error);
    const heldBack = heldBackReason(failedAt, cancelled, quality, message);
    publish(outcome, runSummary({ businessDate, outcome, verdict: quality?.verdict ?? 'not_checked', sources: accountsSoFar(heldBack), failedAt, error: messageOf(error), checks: quality?.checks, report: quality?.htmlReport }));
    progress.stage = 'failed';
    try {
      if (cancelled) await CancellationScope.nonCancellable(() => cleanUpCancelled(day, businessDate, failedAt));
      await (cancelled ? CancellationScope.nonCancellable(() => record('failed', message, heldBack)) : record('failed', message, heldBack));
    } catch (recordError) {
      // The run's own failure is what the person needs to see; a missing record is secondary.
      log.error('could not clean up or record the failed run', { businessDate, error: messageOf(recordError) });
    }
    throw error;
  }
}

/** The run record's kind from the starter's RunKind search attribute; anything unknown is a daily run. */
function recordedKind(attribute: string | undefined): RunKind {
  return RUN_KINDS.find((kind) => kind === attribute) ?? 'daily';
}

/** What a cancel at each stage leaves (README, "Cancelling a run"). */
const CANCEL_LEAVES: Partial<Record<DailyLoadStage, string>> = {
  staging: 'every source of the day was staged (staging was completed so that it stays whole) but not loaded: the next load of its month brings the day in, or run the day again',
  loading: 'the day is staged; a load already running is not stopped between swaps, otherwise the next load of its month brings the day in',
  recording: 'the day was loaded',
};

/** Stages whose cancel leaves nothing published: their work files can go. */
const BEFORE_STAGING: readonly DailyLoadStage[] = ['ingesting', 'transforming', 'checking_quality', 'archiving'];

/**
 * Before staging, nothing is published: once ingest and transform have stopped (their activities wait for
 * cancellation to complete), the day's work files go.
 *
 * During staging some sources may be published and others not; a month load then would mix this
 * day's new orders with its old customers. Staging is rolled forward instead: every source is staged
 * again, which publishes what is pending and leaves what is published alone. A stage activity still
 * running cannot interleave with that: stageSource's renames run synchronously, in one event-loop
 * turn of the worker.
 */
async function cleanUpCancelled(day: DayActivities, businessDate: string, stage: DailyLoadStage): Promise<void> {
  if (BEFORE_STAGING.includes(stage)) await day.files.discardWork(businessDate);
  if (stage === 'staging') {
    await Promise.all(SOURCES.map((source) => day.files.stageSource({ businessDate, source })));
  }
}

async function waitForFiles(input: DailyLoadInput, progress: DailyLoadProgress): Promise<void> {
  const deadline = Date.now() + msToNumber(input.lateFileTimeout ?? '6 hours');
  for (;;) {
    const status = await landing.checkLanding(input.businessDate);
    progress.missingFiles = status.missing;
    if (status.missing.length === 0) return;
    if (Date.now() >= deadline) {
      throw badInput(`files for ${input.businessDate} did not land in time: missing ${status.missing.join(', ')} in ${status.landingDir}. Land them and start the run again.`, 'LateFiles');
    }
    log.info('waiting for late files', { businessDate: input.businessDate, missing: status.missing });
    await sleep(input.lateFilePollInterval ?? '10 minutes');
  }
}

/** Threshold alerts (log, webhook). */
async function alertOnThresholds(quality: QualitySummary, run: { businessDate: string; workflowId: string; runId: string }): Promise<void> {
  if (quality.verdict === 'passed') return;
  try {
    await alerts.notifyQuality({ ...run, verdict: quality.verdict, report: quality.htmlReport, checks: quality.checks });
  } catch (error) {
    // An alert that cannot be delivered must not stop or fail the load; the report and run record still say it.
    log.warn('quality alert not delivered', { businessDate: run.businessDate, error: messageOf(error) });
  }
}

/** `name (observed > threshold)` of the checks with this outcome: for the gate and the run record. */
function crossed(quality: QualitySummary, outcome: 'warn' | 'fail'): string {
  return quality.checks.filter((c) => c.outcome === outcome).map((c) => `${c.name} (${c.observed} > ${c.threshold})`).join(', ');
}

function countsBySource(ingested: IngestSummary[], transformed: TransformSummary[]) {
  return Object.fromEntries(SOURCES.map((source) => [source, gateCounts(ingested.find((s) => s.source === source)!, transformed.find((s) => s.source === source)!)])) as QualityInput['counts'];
}

/** A source whose file was refused as a whole (missing, header, not UTF-8), with the reason. */
interface Refusal {
  source: SourceName;
  reason: string;
}

/** Why a stopped run held back the rows it read, for its run record (short: the message has the detail). */
function heldBackReason(stage: DailyLoadStage, cancelled: boolean, quality: QualitySummary | undefined, message: string): string {
  if (cancelled) return `cancelled while ${stage}`;
  if (quality?.verdict === 'failed') return `quality gate stopped the load: ${crossed(quality, 'fail')}`;
  if (stage === 'ingesting') return 'another source of the day was refused; a day loads whole or not at all';
  return `the run failed while ${stage}: ${message}`;
}

/**
 * The accounts of a run, one per source (pipeline/accounts.ts). `stopped`: the run did not finish
 * loading; what it read and did not set aside it held back (with the reason), and a refused source
 * is listed with 0 rows and its refusal.
 */
function accounts(ingested: IngestSummary[], transformed: TransformSummary[], rowsLoaded?: Record<SourceName, number>, stopped?: { reason: string; refused: Refusal[] }): SourceAccount[] {
  return SOURCES.flatMap((source): SourceAccount[] => {
    const i = ingested.find((s) => s.source === source);
    if (!i) {
      const refusal = stopped?.refused.find((r) => r.source === source);
      return refusal ? [refusedAccount(source, refusal.reason)] : [];
    }
    const account = sourceAccount(i, transformed.find((s) => s.source === source), rowsLoaded?.[source]);
    return [stopped ? heldBack(account, stopped.reason) : account];
  });
}

/**
 * The cause a person can act on: an activity's (or child's) failure wraps the failure that names the
 * file and the reason ("Activity task failed" says neither), so report the innermost message.
 */
function messageOf(error: unknown): string {
  let current: unknown = error;
  while ((current instanceof ActivityFailure || current instanceof ChildWorkflowFailure) && current.cause) current = current.cause;
  const failure = current as { message?: string } | undefined;
  return failure?.message || String(current);
}
