/**
 * What the activities need to know about their environment. The worker builds this from its
 * configuration (workers/config.ts) and hands it to createActivities.
 */
import { z } from 'zod';

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
  quality: qualityThresholdsSchema,
});

export type QualityThresholds = z.infer<typeof qualityThresholdsSchema>;
export type PipelineSettings = z.infer<typeof pipelineSettingsSchema>;

export const DEFAULT_QUALITY_THRESHOLDS: QualityThresholds = {
  maxQuarantinedShare: 0.05,
  maxOrphanShare: 0.05,
  warnDuplicateShare: 0.02,
  warnNullShare: 0.2,
};
