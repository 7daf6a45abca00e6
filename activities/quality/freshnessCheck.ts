/**
 * Freshness: how many hours the newest timestamp of a column lags behind the end of the business
 * date. A re-landed older export, or a feed that stopped mid-day, shows up as a long lag.
 */
import type { TypedRow } from '../contracts';
import { evaluate } from './checks';
import { resultBase, type EvaluationContext, type Evaluator } from './evaluator';
import type { ResolvedCheck } from './resolveChecks';

const HOUR_MS = 3_600_000;

export function freshnessEvaluator(check: Extract<ResolvedCheck, { kind: 'freshness' }>, context: EvaluationContext): Evaluator {
  const dayEnd = Date.parse(`${context.businessDate}T00:00:00Z`) + 24 * HOUR_MS;
  const describer = context.describer(check.source);
  let newest: { at: number; row: TypedRow } | undefined;
  return {
    observe(row) {
      const value = row[check.column];
      if (value === null || value === undefined) return;
      const at = Number(value);
      if (!newest || at > newest.at) newest = { at, row };
    },
    finish() {
      if (!newest) {
        return { result: evaluate({ ...resultBase(check), observed: 0, unit: 'hours', note: 'no values to measure' }, { unmeasurable: true }), samples: [] };
      }
      const lag = (dayEnd - newest.at) / HOUR_MS;
      const result = evaluate({ ...resultBase(check), observed: lag, unit: 'hours', ...(lag < 0 ? { note: 'the newest value lies after the business date' } : {}) });
      return { result, samples: result.outcome === 'pass' ? [] : [describer.sample(newest.row, [check.column], 'newest value')] };
    },
  };
}
