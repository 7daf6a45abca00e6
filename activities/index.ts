/**
 * The activities of cartwheel, bound to their dependencies (settings and the warehouse) by the
 * worker. Workflows import only the type of this object.
 */
import { log } from '@temporalio/activity';
import './temporalWorkContext'; // stage code heartbeats and sees cancellation through the running activity
import type { Warehouse } from '../clickhouse/client';
import { heartbeatWhile } from '../pipeline/workContext';
import { archiveInputs } from '../pipeline/archive/archiveInputs';
import { archiveChangeBatch } from '../pipeline/archive/archiveChangeBatch';
import { assertBatchId } from '../pipeline/land/batchId';
import { detectChangeBatches, type ChangeBatchFile } from '../pipeline/land/detectChangeBatches';
import { listArchivedChangeBatches, type ArchivedChangeBatchesInput } from '../pipeline/archive/listArchivedChangeBatches';
import { recordChangeBatch, type ChangeBatchRecord } from '../pipeline/record/recordChangeBatch';
import { recordChangeManifest } from '../pipeline/land/recordChangeManifest';
import { restoreChangeBatch } from '../pipeline/archive/restoreChangeBatch';
import { stageChangeBatch } from '../pipeline/changes/stageChangeBatch';
import { listArchivedDates, type ArchivedDatesInput } from '../pipeline/archive/listArchivedDates';
import { detectNewLandings, type NewLanding } from '../pipeline/land/detectNewLandings';
import { recordLanding } from '../pipeline/land/recordLanding';
import { restoreLanding } from '../pipeline/archive/restoreLanding';
import { SOURCE_NAMES } from '../domain/contracts';
import { discardWork } from '../pipeline/files/discardWork';
import { assertBusinessDate, DataLayout } from '../domain/layout';
import { ingestSource, type IngestInput } from '../pipeline/read/ingestSource';
import { checkLanding } from '../pipeline/land/checkLanding';
import { loadMonth, type LoadInput, type LoadTarget } from '../pipeline/build/loadMonth';
import type { AlertInput } from '../pipeline/notify/alert';
import type { Notifier } from '../pipeline/notify/notifier';
import { configuredNotifiers } from '../pipeline/notify/notifiers';
import { notifyQuality } from '../pipeline/notify/notifyQuality';
import { checkQuality, type QualityInput } from '../pipeline/gate/checkQuality';
import { DEFAULT_SAMPLE_SIZE } from '../domain/settings/quality';
import { resolveChecks } from '../pipeline/gate/resolveChecks';
import { recordRun, type RunRecord } from '../pipeline/record/recordRun';
import { personalDataKeysInUse, transferableKeys } from '../domain/security/personalDataKeys';
import { assertPersonalSettings } from '../domain/security/personalSettings';
import type { PipelineSettings } from '../domain/settings/index';
import { stageSource, type StageInput } from '../pipeline/publish/stageSource';
import { transformActivity } from '../pipeline/clean/transformActivity';
import type { TransformInput } from '../pipeline/clean/transformSource';

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
    // Change batches (landing/changes/<batch id>/): see pipeline/changes/ and workflows/changeBatchLoad.ts.
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

export type { ArchiveSummary } from '../pipeline/archive/archiveInputs';
export type { ArchivedChangeBatch } from '../pipeline/archive/archiveChangeBatch';
export type { DetectedChangeBatches, NewChangeBatch } from '../pipeline/land/detectChangeBatches';
export type { ChangeSourceAccount, ChangeStageSummary } from '../pipeline/changes/stageChangeBatch';
export type { ArchivedDates } from '../pipeline/archive/listArchivedDates';
export type { DiscardSummary } from '../pipeline/files/discardWork';
export type { NewLanding } from '../pipeline/land/detectNewLandings';
export type { RestoreSummary } from '../pipeline/archive/restoreLanding';
export type { IngestSummary } from '../pipeline/read/ingestSource';
export type { LandingStatus } from '../pipeline/land/checkLanding';
export type { LoadSummary } from '../pipeline/build/loadMonth';
export type { AlertResult } from '../pipeline/notify/notifyQuality';
export type { QualityInput, QualitySummary } from '../pipeline/gate/checkQuality';
export type { SourceAccount } from '../pipeline/accounts';
export type { StageSummary } from '../pipeline/publish/stageSource';
export type { TransformSummary } from '../pipeline/clean/transformSource';
