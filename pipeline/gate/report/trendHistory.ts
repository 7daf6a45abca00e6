/** Each check's earlier results from the warehouse (the dq_trends view), for the report's trend lines. */
import type { Warehouse } from '../../../clickhouse/client';
import { readSql } from '../../../clickhouse/sqlFiles';
import type { Outcome } from '../checks';

export interface TrendPoint {
  businessDate: string;
  runId: string;
  observed: number;
  threshold: number;
  outcome: Outcome;
}

export async function trendHistory(warehouse: Warehouse, options: { runs: number; excludeRunId?: string }): Promise<Map<string, TrendPoint[]>> {
  const result = await warehouse.client.query({
    query: readSql('quality/check_trends.sql'),
    query_params: { runs: options.runs, run: options.excludeRunId ?? '' },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ check_name: string; business_date: string; run_id: string; observed: number | string; threshold: number | string; outcome: Outcome }>();
  const byCheck = new Map<string, TrendPoint[]>();
  for (const row of rows) {
    const points = byCheck.get(row.check_name) ?? [];
    points.push({ businessDate: row.business_date, runId: row.run_id, observed: Number(row.observed), threshold: Number(row.threshold), outcome: row.outcome });
    byCheck.set(row.check_name, points);
  }
  return byCheck;
}
