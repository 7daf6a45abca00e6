/**
 * The run record: one row per run, one per source with the conservation counts, one per quality
 * check. Written once at the end of a run, succeeded or failed; a retry replaces the same rows.
 */
import { ApplicationFailure } from '@temporalio/common';
import { writeAudit, type AuditAction } from '../../clickhouse/audit';
import type { Warehouse } from '../../clickhouse/client';
import type { RunKind } from '../../workflows/searchAttributes';
import type { SourceName } from '../contracts';
import type { CheckResult, Verdict } from '../quality/checks';

export interface SourceAccount {
  source: SourceName;
  rowsRead: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  rowsDeduplicated: number;
  /** Removed by a drop-row null strategy. */
  rowsDropped: number;
}

export interface RunRecord {
  runId: string;
  workflowId: string;
  businessDate: string;
  kind: RunKind;
  status: 'succeeded' | 'failed';
  qualityVerdict: Verdict | 'not_checked';
  message: string;
  startedAt: number;
  sources: SourceAccount[];
  checks: CheckResult[];
  /** Who asked for the run, when the workflow knows it; otherwise the audit log names the worker's actor. */
  actor?: string;
}

/** Run kinds as audit actions (replays and backfills are their own; every other kind is a load). */
const AUDIT_ACTIONS: Partial<Record<RunKind, AuditAction>> = { replay: 'replay' };

/** rows read = loaded + quarantined + deduplicated + dropped, for every source of a successful run. */
export function conservationViolations(sources: readonly SourceAccount[]): string[] {
  return sources
    .filter((s) => s.rowsRead !== s.rowsLoaded + s.rowsQuarantined + s.rowsDeduplicated + s.rowsDropped)
    .map((s) => `${s.source}: read ${s.rowsRead} != loaded ${s.rowsLoaded} + quarantined ${s.rowsQuarantined} + deduplicated ${s.rowsDeduplicated} + dropped ${s.rowsDropped}`);
}

/**
 * Write the record. A successful run whose counts do not add up is recorded as failed and fails the
 * workflow: a row went missing somewhere, and nobody should trust that load.
 */
export async function recordRun(warehouse: Warehouse, proposed: RunRecord): Promise<void> {
  const violations = proposed.status === 'succeeded' ? conservationViolations(proposed.sources) : [];
  const record: RunRecord = violations.length === 0
    ? proposed
    : { ...proposed, status: 'failed', message: `conservation violated: ${violations.join('; ')}` };
  await writeRecord(warehouse, record);
  await writeAudit(warehouse, [{
    eventId: `run:${record.runId}`,
    action: AUDIT_ACTIONS[record.kind] ?? 'load',
    target: record.businessDate,
    outcome: record.status,
    workflowId: record.workflowId,
    runId: record.runId,
    detail: record.message.slice(0, 2000),
    actor: record.actor,
  }]);
  if (violations.length > 0) {
    throw ApplicationFailure.create({ type: 'ConservationViolated', nonRetryable: true, message: record.message });
  }
}

async function writeRecord(warehouse: Warehouse, record: RunRecord): Promise<void> {
  const { client } = warehouse;
  const base = { run_id: record.runId, business_date: record.businessDate };
  await client.insert({
    table: 'etl_runs',
    format: 'JSONEachRow',
    values: [{
      ...base,
      workflow_id: record.workflowId,
      kind: record.kind,
      status: record.status,
      quality_verdict: record.qualityVerdict,
      message: record.message,
      started_at: toClickHouseTime(record.startedAt),
      finished_at: toClickHouseTime(Date.now()),
    }],
  });
  const recordedAt = toClickHouseTime(Date.now());
  if (record.sources.length > 0) {
    await client.insert({
      table: 'etl_run_sources',
      format: 'JSONEachRow',
      values: record.sources.map((s) => ({
        ...base,
        source: s.source,
        rows_read: s.rowsRead,
        rows_loaded: s.rowsLoaded,
        rows_quarantined: s.rowsQuarantined,
        rows_deduplicated: s.rowsDeduplicated,
        rows_dropped: s.rowsDropped,
        recorded_at: recordedAt,
      })),
    });
  }
  if (record.checks.length > 0) {
    await client.insert({
      table: 'dq_results',
      format: 'JSONEachRow',
      values: record.checks.map((c) => ({
        ...base,
        check_name: c.name,
        dimension: c.dimension,
        target: c.target,
        observed: c.observed,
        threshold: c.threshold,
        severity: c.severity,
        outcome: c.outcome,
        note: c.note ?? '',
        recorded_at: recordedAt,
      })),
    });
  }
}

/** DateTime64(3) accepts `YYYY-MM-DD HH:MM:SS.mmm` on every engine and client. */
function toClickHouseTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}
