/** Recent runs from the warehouse's run record (etl_runs, etl_run_sources), newest first. */
import type { ClickHouseClient } from '@clickhouse/client';
import { readSql } from '../../clickhouse/sqlFiles';

export interface RecentRun {
  businessDate: string;
  kind: string;
  status: string;
  qualityVerdict: string;
  workflowId: string;
  runId: string;
  finishedAt: string;
  message: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  rowsDeduplicated: number;
  rowsDropped: number;
  /** Read but not loaded: the run stopped (quality gate, a refused file, a failure). */
  rowsHeldBack: number;
  /** The sources whose file the run refused as a whole, comma-separated; '' when none. */
  refused: string;
}

export async function recentRuns(client: ClickHouseClient, limit: number): Promise<RecentRun[]> {
  const result = await client.query({ query: readSql('ops/recent_runs.sql'), query_params: { limit }, format: 'JSONEachRow' });
  const rows = await result.json<Record<string, string | number>>();
  return rows.map((r) => ({
    businessDate: String(r.business_date),
    kind: String(r.kind),
    status: String(r.status),
    qualityVerdict: String(r.quality_verdict),
    workflowId: String(r.workflow_id),
    runId: String(r.run_id),
    finishedAt: String(r.finished_at),
    message: String(r.message),
    rowsRead: Number(r.rows_read),
    rowsLoaded: Number(r.rows_loaded),
    rowsQuarantined: Number(r.rows_quarantined),
    rowsDeduplicated: Number(r.rows_deduplicated),
    rowsDropped: Number(r.rows_dropped),
    rowsHeldBack: Number(r.rows_held_back),
    refused: String(r.refused),
  }));
}
