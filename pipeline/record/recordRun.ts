/**
 * The run record: one row per run, one per source with the conservation counts, one per quality
 * check. Written once at the end of a run, succeeded or failed; a retry replaces the same rows.
 * Every source of every run accounts for its rows, stopped runs included: what a run read and did
 * not load, quarantine, deduplicate or drop, it held back, and the record says why.
 */
import { badInput } from '../../domain/failures';
import { writeAudit, type AuditAction } from '../../clickhouse/audit';
import type { Warehouse } from '../../clickhouse/client';
import type { RunKind } from '../../workflows/searchAttributes';
import type { SourceName } from '../../domain/contracts';
import type { CheckResult, Verdict } from '../gate/checks';
import { conservationViolations, type SourceAccount } from '../accounts';

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

/**
 * Write the record. A successful run whose counts do not add up is recorded as failed and fails the
 * workflow: a row went missing somewhere, and nobody should trust that load.
 */
export async function recordRun(warehouse: Warehouse, proposed: RunRecord): Promise<void> {
  const violations = conservationViolations(proposed.sources);
  const record: RunRecord = violations.length === 0
    ? proposed
    : { ...proposed, status: 'failed', message: `conservation violated: ${violations.join('; ')}${proposed.status === 'failed' ? `; the run failed: ${proposed.message}` : ''}` };
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
  // A failed run stays failed with its own cause; the record says the counts did not add up.
  if (violations.length > 0 && proposed.status === 'succeeded') {
    throw badInput(record.message, 'ConservationViolated');
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
        rows_held_back: s.rowsHeldBack ?? 0,
        held_back_reason: (s.heldBackReason ?? '').slice(0, 2000),
        refused: (s.refused ?? '').slice(0, 2000),
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
