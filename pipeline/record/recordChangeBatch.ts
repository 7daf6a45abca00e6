/**
 * The record of a change batch run. Always: the run record (etl_runs, etl_run_sources through
 * recordRun, kind `incremental` or `replay`, business date = the batch's export date) and its audit
 * event. Per source: read = loaded (applied) + quarantined + deduplicated (duplicates in the file
 * plus rows already applied) + dropped, so the conservation check holds the batch to account; the
 * message and change_watermarks keep the exact split. When it succeeded also: the change manifest
 * (its files' content is done) and one change_watermarks row per source, whose watermark is read
 * back from the facts after the rebuilds.
 */
import type { Warehouse } from '../../clickhouse/client';
import { readSql, renderSql } from '../../clickhouse/sqlFiles';
import type { RunKind } from '../../workflows/searchAttributes';
import { heldBack, type SourceAccount } from '../accounts';
import { recordRun } from './recordRun';
import { batchDateOf } from '../land/batchId';
import { CHANGE_TARGETS } from '../changes/changeTargets';
import type { ChangeBatchFile } from '../land/detectChangeBatches';
import { recordChangeManifest } from '../land/recordChangeManifest';
import type { ChangeSourceAccount, ChangeStageSummary } from '../changes/stageChangeBatch';

export interface ChangeBatchRecord {
  batchId: string;
  runId: string;
  workflowId: string;
  kind: RunKind;
  status: 'succeeded' | 'failed';
  /** For a failed run: what went wrong (a succeeded run's message is built from the counts). */
  failure?: string;
  startedAt: number;
  /** What staging found; absent when the run failed before. */
  staged?: ChangeStageSummary;
  /** The batch's files as archived; absent when the run failed before. */
  files?: ChangeBatchFile[];
}

export async function recordChangeBatch(warehouse: Warehouse, record: ChangeBatchRecord): Promise<void> {
  const sources = record.staged?.sources ?? [];
  const months = record.staged?.months.map((m) => m.month) ?? [];
  const counts = sources.map(describeCounts).join('; ');
  const message = record.status === 'succeeded'
    ? `change batch ${record.batchId}: ${counts || 'no rows'}; months rebuilt: ${months.join(', ') || 'none'}`
    : `change batch ${record.batchId} failed: ${record.failure ?? 'unknown error'}${counts ? ` (staged: ${counts})` : ''}`;

  if (record.status === 'succeeded') {
    await recordChangeManifest(warehouse, record.batchId, record.files ?? [], 'succeeded');
    const appliedAt = new Date().toISOString().replace('T', ' ').replace('Z', '');
    const values = [];
    for (const s of sources) {
      values.push({
        source: s.source,
        batch_id: record.batchId,
        watermark: await watermarkOf(warehouse, s.source),
        batch_newest: toClickHouseTime(s.newestUpdatedAt ?? 0), // 1970-01-01: none (migration 0010)
        rows_read: s.rowsRead,
        rows_applied: s.rowsApplied,
        rows_already_applied: s.rowsAlreadyApplied,
        rows_quarantined: s.rowsQuarantined,
        rows_duplicate: s.rowsDuplicate,
        rows_dropped: s.rowsDropped,
        months_rebuilt: months,
        workflow_id: record.workflowId,
        run_id: record.runId,
        applied_at: appliedAt,
      });
    }
    if (values.length > 0) await warehouse.client.insert({ table: 'change_watermarks', format: 'JSONEachRow', values });
  }

  await recordRun(warehouse, {
    runId: record.runId,
    workflowId: record.workflowId,
    businessDate: batchDateOf(record.batchId),
    kind: record.kind,
    status: record.status,
    qualityVerdict: 'not_checked',
    message,
    startedAt: record.startedAt,
    sources: sources.map((s) => asRunAccount(s, record.status === 'failed' ? message : undefined)),
    checks: [],
  });
}

/** A failed batch holds back what it read and did not set aside (conservation, recordRun). */
function asRunAccount(s: ChangeSourceAccount, failure?: string): SourceAccount {
  const account = {
    source: s.source,
    rowsRead: s.rowsRead,
    rowsLoaded: s.rowsApplied,
    rowsQuarantined: s.rowsQuarantined,
    rowsDeduplicated: s.rowsDuplicate + s.rowsAlreadyApplied,
    rowsDropped: s.rowsDropped,
  };
  return failure === undefined ? account : heldBack(account, failure);
}

function describeCounts(s: ChangeSourceAccount): string {
  return `${s.source} read ${s.rowsRead} = applied ${s.rowsApplied} + already applied ${s.rowsAlreadyApplied} + quarantined ${s.rowsQuarantined} + duplicates ${s.rowsDuplicate} + dropped ${s.rowsDropped}`;
}

/** The newest version in the source's facts, as the warehouse holds it now. */
async function watermarkOf(warehouse: Warehouse, source: ChangeSourceAccount['source']): Promise<string> {
  const result = await warehouse.client.query({ query: renderSql(readSql('ops/change_watermark.sql'), { fact: CHANGE_TARGETS[source].fact }), format: 'JSONEachRow' });
  const [{ watermark }] = await result.json<{ watermark: string }>();
  return watermark;
}

function toClickHouseTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}
