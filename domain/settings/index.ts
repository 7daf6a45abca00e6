/**
 * What the activities need to know about their environment. The worker builds this from its
 * configuration (workers/config.ts) and hands it to createActivities.
 */
import { z } from 'zod';
import { alertSettingsSchema } from './alerts';
import { sourcesSettingsSchema } from './sources';
import { qualityConfigSchema } from './quality';
import type { PersonalDataKeys } from '../security/personalDataKeys';
import { storageSettingsSchema } from '../storage';

export const qualityThresholdsSchema = z.object({
  /** Share of a source's rows that may be quarantined before the load is stopped. */
  maxQuarantinedShare: z.number().min(0).max(1),
  /** Share of rows whose foreign key resolves to nothing before the load is stopped. */
  maxOrphanShare: z.number().min(0).max(1),
  /** Share of duplicate rows removed above which a warning is raised. */
  warnDuplicateShare: z.number().min(0).max(1),
  /** Share of nulls in an optional column above which a warning is raised. */
  warnNullShare: z.number().min(0).max(1),
});

export const pipelineSettingsSchema = z.object({
  /** Root of landing/, staging/, quarantine/, work/ and reports/. */
  dataDir: z.string().min(1),
  /** This worker's scratch folder (work/): default `<dataDir>/work` (CARTWHEEL_WORK_DIR). */
  workDir: z.string().min(1).optional(),
  /**
   * Landing, staging, quarantine and archive elsewhere than the data folder: folders or s3:// prefixes,
   * with the S3 access (CARTWHEEL_*_URL, CARTWHEEL_S3_*; domain/storage.ts). Never logged.
   */
  storage: storageSettingsSchema.optional(),
  quality: qualityThresholdsSchema,
  /** Declared quality checks (CARTWHEEL_QUALITY_CONFIG); absent: the built-in checks, tuned by `quality`. */
  qualityChecks: qualityConfigSchema.optional(),
  /** Quality alerts beyond the worker log (CARTWHEEL_ALERT_*); absent: log only. */
  alerts: alertSettingsSchema.optional(),
  /** Per-source date formats, null tokens, column bounds, free-text modes, dedup keys, null strategies and rule actions. */
  sources: sourcesSettingsSchema,
  /** Input bytes per hash partition: bounds the transform's memory per source. */
  partitionBytes: z.number().int().min(1 << 16),
  /**
   * Keys protecting personal data at rest (CARTWHEEL_PII_*; domain/security/personalDataKeys.ts).
   * Absent: the development keys (refused with CARTWHEEL_ENV=prod by the configuration). Never logged.
   */
  personalData: z.custom<PersonalDataKeys>().optional(),
});

export type QualityThresholds = z.infer<typeof qualityThresholdsSchema>;
export type PipelineSettings = z.infer<typeof pipelineSettingsSchema>;

export const DEFAULT_QUALITY_THRESHOLDS: QualityThresholds = {
  maxQuarantinedShare: 0.05,
  maxOrphanShare: 0.05,
  warnDuplicateShare: 0.02,
  warnNullShare: 0.2,
};

export const DEFAULT_PARTITION_BYTES = 8 * 1024 * 1024;
