/** The load activity on its own, for tests that load with a hook (see LoadHooks) or from another data folder. */
import { activityEnvironment } from './activityEnvironment';
import { DataLayout } from '../../activities/files/layout';
import { loadMonth, type LoadHooks, type LoadSummary } from '../../activities/load/loadMonth';
import type { PipelineSettings } from '../../activities/settings';
import type { Warehouse } from '../../clickhouse/client';

/** loadMonth inside an activity context (it heartbeats), from the staged files of `settings.dataDir`. */
export function loadDay(settings: PipelineSettings, warehouse: Warehouse, businessDate: string, hooks?: LoadHooks): Promise<LoadSummary> {
  return activityEnvironment().run(
    () => loadMonth(warehouse, new DataLayout(settings.dataDir), { businessDate }, hooks),
  ) as Promise<LoadSummary>;
}
