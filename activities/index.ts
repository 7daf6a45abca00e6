/**
 * The activities of cartwheel, bound to their dependencies (settings and the warehouse) by the
 * worker. Workflows import only the type of this object.
 */
import { log } from '@temporalio/activity';
import type { Warehouse } from '../clickhouse/client';
import { heartbeatWhile } from './activityContext';
import { archiveInputs } from './archive/archiveInputs';
import { archiveChangeBatch } from './changes/archiveChangeBatch';
import { assertBatchId } from './changes/batchId';
import { detectChangeBatches, type ChangeBatchFile } from './changes/detectChangeBatches';
import { listArchivedChangeBatches, type ArchivedChangeBatchesInput } from './changes/listArchivedChangeBatches';
import { recordChangeBatch, type ChangeBatchRecord } from './changes/recordChangeBatch';
import { recordChangeManifest } from './changes/recordChangeManifest';
import { restoreChangeBatch } from './changes/restoreChangeBatch';
import { stageChangeBatch } from './changes/stageChangeBatch';
import { listArchivedDates, type ArchivedDatesInput } from './archive/listArchivedDates';
import { detectNewLandings, type NewLanding } from './incremental/detectNewLandings';
import { recordLanding } from './incremental/recordLanding';
import { restoreLanding } from './archive/restoreLanding';
import { SOURCE_NAMES } from './contracts';
import { discardWork } from './files/discardWork';
import { assertBusinessDate, DataLayout } from './files/layout';
import { ingestSource, type IngestInput } from './ingest/ingestSource';
import { checkLanding } from './landing/checkLanding';
import { loadMonth, type LoadInput, type LoadTarget } from './load/loadMonth';
import type { AlertInput } from './notify/alert';
import type { Notifier } from './notify/notifier';
import { configuredNotifiers } from './notify/notifiers';
import { notifyQuality } from './notify/notifyQuality';
import { checkQuality, type QualityInput } from './quality/checkQuality';
import { DEFAULT_SAMPLE_SIZE } from './quality/config';
import { resolveChecks } from './quality/resolveChecks';
import { recordRun, type RunRecord } from './run/recordRun';
import { personalDataKeysInUse, transferableKeys } from './security/personalDataKeys';
import { assertPersonalSettings } from './security/personalSettings';
import type { PipelineSettings } from './settings';
import { stageSource, type StageInput } from './stage/stageSource';
import { transformActivity } from './transform/transformActivity';
import type { TransformInput } from './transform/transformSource';

export interface ActivityDependencies {
  settings: PipelineSettings;
  warehouse: Warehouse;
  /** Alert channels besides the log and the configured webhook (pluggable; tests add their own). */
  notifiers?: Notifier[];
  /** This worker's own task queue, when it pins days to itself (workflows/dayPinning.ts). */
  ownTaskQueue?: string;
  /** A sharded warehouse: each month loads on its shard (clickhouse/cluster/); `warehouse` is the shard workers use. */
  cluster?: LoadTarget;
}

export function createActivities({ settings, warehouse, notifiers = [], ownTaskQueue, cluster }: ActivityDependencies) {
  const layout = new DataLayout(settings.dataDir, settings.workDir, settings.storage);
  // Resolved once, so a bad check configuration fails the worker at start, not a run.
  const dedupKeys = Object.fromEntries(SOURCE_NAMES.map((source) => [source, settings.sources[source].dedupKey]));
  const qualityChecks = resolveChecks(settings.qualityChecks, settings.quality, dedupKeys);
  const alertNotifiers = [...configuredNotifiers(settings.alerts), ...notifiers];
  // Personal data is encrypted at ingest: settings that would need it in plaintext fail at start.
  assertPersonalSettings(settings.sources);
  const personalDataKeys = personalDataKeysInUse(settings.personalData);
  const personalData = transferableKeys(personalDataKeys);
  return {
    /** The queue a day's file work is pinned to: this worker's own, or null when it pins nothing (one worker). */
    async workerTaskQueue(): Promise<string | null> {
      return ownTaskQueue ?? null;
    },
    async checkLanding(businessDate: string) {
      return checkLanding(layout, assertBusinessDate(businessDate));
    },
    async ingestSource(input: IngestInput) {
      assertBusinessDate(input.businessDate);
      const options = { contract: settings.sources[input.source], partitionBytes: settings.partitionBytes, personalData };
      const started = Date.now();
      return heartbeatWhile(
        () => ({ task: 'ingest', source: input.source, seconds: Math.round((Date.now() - started) / 1000) }),
        () => ingestSource(warehouse, layout, options, input),
      );
    },
    async transformSource(input: TransformInput) {
      assertBusinessDate(input.businessDate);
      // In the engine; a retry resumes where the previous attempt's last heartbeat says it stood.
      return transformActivity(warehouse, layout, settings.sources[input.source], input);
    },
    async checkQuality(input: QualityInput) {
      assertBusinessDate(input.businessDate);
      return checkQuality({ layout, warehouse, checks: qualityChecks, sampleSize: settings.qualityChecks?.sample_size ?? DEFAULT_SAMPLE_SIZE }, input);
    },
    async notifyQuality(input: AlertInput) {
      return notifyQuality(input, { on: settings.alerts?.on ?? 'warn', notifiers: alertNotifiers, logger: log });
    },
    async stageSource(input: StageInput) {
      return stageSource(layout, input, warehouse);
    },
    async loadWarehouse(input: LoadInput) {
      assertBusinessDate(input.businessDate);
      // A beat every second whatever the statement: a dead worker's load is noticed in a minute.
      const started = Date.now();
      return heartbeatWhile(
        () => ({ task: 'load', businessDate: input.businessDate, seconds: Math.round((Date.now() - started) / 1000) }),
        () => loadMonth(cluster ?? warehouse, layout, { businessDate: input.businessDate }),
      );
    },
    async recordRun(record: RunRecord) {
      return recordRun(warehouse, record);
    },
    async archiveInputs(businessDate: string) {
      return archiveInputs(layout, assertBusinessDate(businessDate), personalDataKeys);
    },
    async listArchivedDates(input: ArchivedDatesInput) {
      return listArchivedDates(layout, { ...input, from: assertBusinessDate(input.from), to: assertBusinessDate(input.to) });
    },
    async detectNewLandings(limit: number) {
      layout.assertLocalStorage('incremental landing detection');
      return detectNewLandings(warehouse, layout, limit);
    },
    async recordLanding(input: { landing: NewLanding; outcome: 'succeeded' | 'failed' }) {
      assertBusinessDate(input.landing.businessDate);
      return recordLanding(warehouse, input.landing, input.outcome);
    },
    async discardWork(businessDate: string) {
      return discardWork(layout, assertBusinessDate(businessDate));
    },
    async restoreLanding(businessDate: string) {
      layout.assertLocalStorage('restores from the archive');
      return restoreLanding(layout, assertBusinessDate(businessDate), personalDataKeys);
    },
    // Change batches (landing/changes/<batch id>/): see activities/changes/ and workflows/changeBatchLoad.ts.
    async detectChangeBatches(limit: number) {
      layout.assertLocalStorage('change batches');
      return detectChangeBatches(warehouse, layout, limit);
    },
    async recordChangeManifest(input: { batchId: string; files: ChangeBatchFile[]; outcome: 'succeeded' | 'failed' }) {
      return recordChangeManifest(warehouse, assertBatchId(input.batchId), input.files, input.outcome);
    },
    async archiveChangeBatch(batchId: string) {
      layout.assertLocalStorage('change batches');
      return archiveChangeBatch(layout, assertBatchId(batchId));
    },
    async stageChangeBatch(batchId: string) {
      layout.assertLocalStorage('change batches');
      return stageChangeBatch(warehouse, layout, settings.sources, { partitionBytes: settings.partitionBytes, personalData }, assertBatchId(batchId));
    },
    async recordChangeBatch(record: ChangeBatchRecord) {
      return recordChangeBatch(warehouse, { ...record, batchId: assertBatchId(record.batchId) });
    },
    async restoreChangeBatch(batchId: string) {
      layout.assertLocalStorage('change batches');
      return restoreChangeBatch(layout, assertBatchId(batchId));
    },
    async listArchivedChangeBatches(input: ArchivedChangeBatchesInput) {
      layout.assertLocalStorage('change batches');
      return listArchivedChangeBatches(layout, { ...input, since: assertBusinessDate(input.since) });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

export type { ArchiveSummary } from './archive/archiveInputs';
export type { ArchivedChangeBatch } from './changes/archiveChangeBatch';
export type { DetectedChangeBatches, NewChangeBatch } from './changes/detectChangeBatches';
export type { ChangeSourceAccount, ChangeStageSummary } from './changes/stageChangeBatch';
export type { ArchivedDates } from './archive/listArchivedDates';
export type { DiscardSummary } from './files/discardWork';
export type { NewLanding } from './incremental/detectNewLandings';
export type { RestoreSummary } from './archive/restoreLanding';
export type { IngestSummary } from './ingest/ingestSource';
export type { LandingStatus } from './landing/checkLanding';
export type { LoadSummary } from './load/loadMonth';
export type { AlertResult } from './notify/notifyQuality';
export type { QualityInput, QualitySummary } from './quality/checkQuality';
export type { SourceAccount } from './run/recordRun';
export type { StageSummary } from './stage/stageSource';
export type { TransformSummary } from './transform/transformSource';
