/**
 * The activities of cartwheel, bound to their dependencies (settings and the warehouse) by the
 * worker. Workflows import only the type of this object.
 */
import type { Warehouse } from '../clickhouse/client';
import { assertBusinessDate, DataLayout } from './files/layout';
import type { IngestInput } from './ingest/ingestSource';
import { checkLanding } from './landing/checkLanding';
import { loadMonth, type LoadInput } from './load/loadMonth';
import { checkQuality, type QualityInput } from './quality/checkQuality';
import { recordRun, type RunRecord } from './run/recordRun';
import type { PipelineSettings } from './settings';
import { stageSource, type StageInput } from './stage/stageSource';
import { runCpuTask } from './threads/cpuTasks';
import type { TransformInput } from './transform/transformSource';

export interface ActivityDependencies {
  settings: PipelineSettings;
  warehouse: Warehouse;
}

export function createActivities({ settings, warehouse }: ActivityDependencies) {
  const layout = new DataLayout(settings.dataDir);
  return {
    async checkLanding(businessDate: string) {
      return checkLanding(layout, assertBusinessDate(businessDate));
    },
    async ingestSource(input: IngestInput) {
      assertBusinessDate(input.businessDate);
      const options = { dateFormats: settings.sources[input.source].dateFormats, partitionBytes: settings.partitionBytes };
      return runCpuTask('ingest', { dataDir: settings.dataDir, ...input, options }, settings.threads);
    },
    async transformSource(input: TransformInput) {
      assertBusinessDate(input.businessDate);
      return runCpuTask('transform', { dataDir: settings.dataDir, ...input, settings: settings.sources[input.source] }, settings.threads);
    },
    async checkQuality(input: QualityInput) {
      return checkQuality(layout, settings.quality, input);
    },
    async stageSource(input: StageInput) {
      return stageSource(layout, input);
    },
    async loadWarehouse(input: LoadInput) {
      return loadMonth(warehouse, layout, { businessDate: assertBusinessDate(input.businessDate) });
    },
    async recordRun(record: RunRecord) {
      return recordRun(warehouse, record);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

export type { IngestSummary } from './ingest/ingestSource';
export type { LandingStatus } from './landing/checkLanding';
export type { LoadSummary } from './load/loadMonth';
export type { QualitySummary } from './quality/checkQuality';
export type { SourceAccount } from './run/recordRun';
export type { StageSummary } from './stage/stageSource';
export type { TransformSummary } from './transform/transformSource';
