/**
 * Runs the activities up to the quality gate the way dailyLoad does (header and rule counts
 * included), and optionally on to the warehouse and the run record: quality tests need history.
 */
import { createActivities } from '../../activities';
import { SOURCE_NAMES } from '../../domain/contracts';
import type { Notifier } from '../../pipeline/notify/notifier';
import type { QualityInput } from '../../pipeline/gate/checkQuality';
import type { PipelineSettings } from '../../domain/settings/index';
import type { Warehouse } from '../../clickhouse/client';
import { gateCounts, heldBack, sourceAccount } from '../../pipeline/accounts';
import { activityEnvironment } from './activityEnvironment';

export async function runToQualityGate(settings: PipelineSettings, warehouse: Warehouse, businessDate: string, runId?: string, notifiers: Notifier[] = []) {
  const activities = createActivities({ settings, warehouse, notifiers });
  const env = activityEnvironment();
  const call = <A, R>(activity: (input: A) => Promise<R>, input: A) => env.run(activity, input) as Promise<R>;
  const ingested = await Promise.all(SOURCE_NAMES.map((source) => call(activities.ingestSource, { businessDate, source })));
  const transformed = await Promise.all(ingested.map(({ source, partitions }) => call(activities.transformSource, { businessDate, source, partitions })));
  const counts = Object.fromEntries(SOURCE_NAMES.map((source, i) => [source, gateCounts(ingested[i], transformed[i])])) as QualityInput['counts'];
  const quality = await call(activities.checkQuality, { businessDate, runId, counts });
  return { activities, call, ingested, transformed, quality };
}

/** A whole day through the activities, recorded in etl_runs / etl_run_sources / dq_results like dailyLoad does. */
export async function runRecordedDay(settings: PipelineSettings, warehouse: Warehouse, businessDate: string, runId: string) {
  const { activities, call, ingested, transformed, quality } = await runToQualityGate(settings, warehouse, businessDate, runId);
  const passed = quality.verdict !== 'failed';
  let rowsLoaded: Record<string, number> | undefined;
  if (passed) {
    await Promise.all(SOURCE_NAMES.map((source) => call(activities.stageSource, { businessDate, source })));
    rowsLoaded = (await call(activities.loadWarehouse, { businessDate })).rowsLoaded;
  }
  await call(activities.recordRun, {
    runId,
    workflowId: `daily-${businessDate}`,
    businessDate,
    kind: 'daily',
    status: passed ? 'succeeded' : 'failed',
    qualityVerdict: quality.verdict,
    message: passed ? 'loaded' : 'quality gate',
    startedAt: Date.now(),
    sources: SOURCE_NAMES.map((source, i) => {
      const account = sourceAccount(ingested[i], transformed[i], rowsLoaded?.[source]);
      // A gate-stopped day holds back what it kept (conservation, like dailyLoad records it).
      return passed ? account : heldBack(account, 'quality gate stopped the load');
    }),
    checks: quality.checks,
  });
  return { quality, loaded: passed };
}
