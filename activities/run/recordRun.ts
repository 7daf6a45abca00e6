/**
 * The run record: one row per run, one per source with the conservation counts, one per quality
 * check. Written once at the end of a run, succeeded or failed; a retry replaces the same rows.
 * Every source of every run accounts for its rows, stopped runs included: what a run read and did
 * not load, quarantine, deduplicate or drop, it held back, and the record says why.
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
  /**
   * Read and kept, but not loaded: the run stopped before loading (quality gate, a refused file, a
   * failed stage), or the day had no sales and loads nothing. Absent in records written before it existed.
   */
  rowsHeldBack?: number;
  /** Why rows were held back (the run's failure, in short); empty when none were. */
  heldBackReason?: string;
  /** The reason a source file was refused as a whole (missing, header, not UTF-8); its rows count 0 read. */
  refused?: string;
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

/**
 * rows read = loaded + quarantined + deduplicated + dropped + held back, for every source of every
 * run; rows held back carry the reason (a stopped run, or a day without sales).
 */
export function conservationViolations(sources: readonly SourceAccount[]): string[] {
  const violations: string[] = [];
  for (const s of sources) {
    const heldBack = s.rowsHeldBack ?? 0;
    if (s.rowsRead !== s.rowsLoaded + s.rowsQuarantined + s.rowsDeduplicated + s.rowsDropped + heldBack) {
      violations.push(`${s.source}: read ${s.rowsRead} != loaded ${s.rowsLoaded} + quarantined ${s.rowsQuarantined} + deduplicated ${s.rowsDeduplicated} + dropped ${s.rowsDropped} + held back ${heldBack}`);
    } else if (heldBack > 0 && !s.heldBackReason) {
      violations.push(`${s.source}: ${heldBack} rows held back without a reason`);
    }
  }
  return violations;
}

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
