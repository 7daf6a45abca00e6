/**
 * Checks against a trailing band of earlier business dates from the warehouse: volume (rows read
 * per source, from the run record of successful runs) and daily metrics (from the loaded facts).
 * Without enough history they pass and say "no history": a first run has nothing to compare with.
 */
import type { Warehouse } from '../../clickhouse/client';
import { readSql } from '../../clickhouse/sqlFiles';
import { evaluate } from './checks';
import { DAILY_METRICS } from '../../domain/dailyMetrics';
import { resultBase, type EvaluationContext, type Evaluator } from './evaluator';
import type { ResolvedCheck } from './resolveChecks';

type HistoryCheck = Extract<ResolvedCheck, { kind: 'volume' | 'trailing_metric' }>;

export function volumeEvaluator(check: Extract<ResolvedCheck, { kind: 'volume' }>, context: EvaluationContext): Evaluator {
  return {
    async finish() {
      const history = await trailing(context.warehouse, 'quality/volume_history.sql', 'rows_read', {
        source: check.source,
        date: context.businessDate,
        window: check.window,
      });
      return { result: againstBand(check, context.counts[check.source].rowsRead, history), samples: [] };
    },
  };
}

export function trailingMetricEvaluator(check: Extract<ResolvedCheck, { kind: 'trailing_metric' }>, context: EvaluationContext): Evaluator {
  const metric = DAILY_METRICS[check.metric];
  const clean = context.clean.source(check.source);
  return {
    aggregates: { today: metric.today((column) => clean.col(column)) },
    async finish(measured) {
      const history = await trailing(context.warehouse, metric.historySql, check.metric, { date: context.businessDate, window: check.window });
      return { result: againstBand(check, measured.get('today')!, history), samples: [] };
    },
  };
}

async function trailing(warehouse: Warehouse, sqlFile: string, column: string, params: Record<string, unknown>): Promise<number[]> {
  const result = await warehouse.client.query({ query: readSql(sqlFile), query_params: params, format: 'JSONEachRow' });
  return (await result.json<Record<string, number | string>>()).map((row) => Number(row[column]));
}

/** Relative deviation of today from the trailing mean; the band is mean × (1 ± threshold). */
function againstBand(check: HistoryCheck, today: number, history: number[]) {
  const base = { ...resultBase(check), unit: 'deviation' as const };
  if (history.length < check.min_history) {
    return evaluate({ ...base, observed: 0, note: `no history (${history.length} earlier ${history.length === 1 ? 'day' : 'days'}, ${check.min_history} needed)` });
  }
  const mean = history.reduce((a, b) => a + b, 0) / history.length;
  const deviation = mean === 0 ? (today === 0 ? 0 : 1) : Math.abs(today - mean) / mean;
  const band = `${fmt(mean * (1 - check.threshold))}–${fmt(mean * (1 + check.threshold))}`;
  return evaluate({ ...base, observed: deviation, note: `today ${fmt(today)}; trailing mean ${fmt(mean)} over ${history.length} days (band ${band})` });
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
