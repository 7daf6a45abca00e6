/** The load activity on its own, for tests that load with a hook (see LoadHooks) or from another data folder. */
import { activityEnvironment } from './activityEnvironment';
import { DataLayout } from '../../domain/layout';
import { loadMonth, type LoadHooks, type LoadSummary } from '../../pipeline/build/loadMonth';
import type { PipelineSettings } from '../../domain/settings/index';
import type { Warehouse } from '../../clickhouse/client';

/** loadMonth inside an activity context (it heartbeats), from the staged files of `settings.dataDir`. */
export function loadDay(settings: PipelineSettings, warehouse: Warehouse, businessDate: string, hooks?: LoadHooks): Promise<LoadSummary> {
  return activityEnvironment().run(
    () => loadMonth(warehouse, new DataLayout(settings.dataDir), { businessDate }, hooks),
  ) as Promise<LoadSummary>;
}
