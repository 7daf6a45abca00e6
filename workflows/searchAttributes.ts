/**
 * Custom search attributes of cartwheel's runs, for the Web UI's filters and `npm run status`:
 *   BusinessDate = '2024-03-10'   RunKind = 'daily' | 'scheduled' | 'replay' | 'incremental'   Outcome = 'running' | 'succeeded' | 'quality_failed' | 'failed'
 * They must be registered on the server (the dev server gets them from ops/stack/devServer.ts, other
 * servers from ops/stack/searchAttributes.ts or `temporal operator search-attribute create`). A run
 * publishes them only when its starter set RunKind (see dailyLoad): that is the proof they exist.
 * Keyword, not Datetime, for BusinessDate: a business date is a calendar day, not an instant.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const BUSINESS_DATE = defineSearchAttributeKey('BusinessDate', SearchAttributeType.KEYWORD);
export const RUN_KIND = defineSearchAttributeKey('RunKind', SearchAttributeType.KEYWORD);
export const OUTCOME = defineSearchAttributeKey('Outcome', SearchAttributeType.KEYWORD);
/** Set by the server on runs a Schedule starts: the action's nominal time. */
export const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export const CUSTOM_SEARCH_ATTRIBUTES = [BUSINESS_DATE, RUN_KIND, OUTCOME] as const;

/** What started a run; also the `kind` of its run record (etl_runs) and audit event. */
export const RUN_KINDS = ['daily', 'scheduled', 'replay', 'incremental'] as const;
export type RunKind = (typeof RUN_KINDS)[number];
export type RunOutcome = 'running' | 'succeeded' | 'quality_failed' | 'failed';
