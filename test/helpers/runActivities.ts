/**
 * Runs the pipeline's activities in order, outside Temporal, the way dailyLoad does: for tests of
 * what the activities do to files and the warehouse. Workflow behaviour is tested on real servers.
 */
import { activityEnvironment } from './activityEnvironment';
import { createActivities } from '../../activities';
import { SOURCE_NAMES, type SourceName } from '../../domain/contracts';
import type { PipelineSettings } from '../../domain/settings/index';
import type { Warehouse } from '../../clickhouse/client';

export async function runDay(settings: PipelineSettings, warehouse: Warehouse, businessDate: string) {
  const activities = createActivities({ settings, warehouse });
  const env = activityEnvironment();
  const call = <A, R>(activity: (input: A) => Promise<R>, input: A) => env.run(activity, input) as Promise<R>;
  const ingested = await Promise.all(SOURCE_NAMES.map((source) => call(activities.ingestSource, { businessDate, source })));
  const transformed = await Promise.all(ingested.map(({ source, partitions }) => call(activities.transformSource, { businessDate, source, partitions })));
  const counts = Object.fromEntries(
    SOURCE_NAMES.map((source, i) => [source, { rowsRead: ingested[i].rowsRead, rowsQuarantined: ingested[i].rowsQuarantined + transformed[i].rowsQuarantined, duplicatesRemoved: transformed[i].duplicatesRemoved }]),
  ) as Record<SourceName, { rowsRead: number; rowsQuarantined: number; duplicatesRemoved: number }>;
  const quality = await call(activities.checkQuality, { businessDate, counts });
  if (quality.verdict === 'failed') return { ingested, transformed, quality, loaded: undefined };
  await Promise.all(SOURCE_NAMES.map((source) => call(activities.stageSource, { businessDate, source })));
  const loaded = await call(activities.loadWarehouse, { businessDate });
  return { ingested, transformed, quality, loaded };
}
