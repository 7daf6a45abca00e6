/**
 * Freshness: how many hours the newest timestamp of a column lags behind the end of the business
 * date. A re-landed older export, or a feed that stopped mid-day, shows up as a long lag.
 */
import { evaluate } from './checks';
import { resultBase, type EvaluationContext, type Evaluator } from './evaluator';
import type { ResolvedCheck } from './resolveChecks';

const HOUR_MS = 3_600_000;

export function freshnessEvaluator(check: Extract<ResolvedCheck, { kind: 'freshness' }>, context: EvaluationContext): Evaluator {
  const dayEnd = Date.parse(`${context.businessDate}T00:00:00Z`) + 24 * HOUR_MS;
  const clean = context.clean.source(check.source);
  const value = clean.col(check.column);
  return {
    aggregates: { values: `count(${value})`, newest: `max(${value})` },
    async finish(measured) {
      if (measured.get('values') === 0) {
        return { result: evaluate({ ...resultBase(check), observed: 0, unit: 'hours', note: 'no values to measure' }, { unmeasurable: true }), samples: [] };
      }
      const lag = (dayEnd - measured.get('newest')!) / HOUR_MS;
      const result = evaluate({ ...resultBase(check), observed: lag, unit: 'hours', ...(lag < 0 ? { note: 'the newest value lies after the business date' } : {}) });
      // The first row (by line) holding the newest value.
      const samples = result.outcome === 'pass' ? [] : await context.clean.samples(context.describer(check.source), {
        where: `${value} = ${measured.get('newest')!}`,
        columns: [check.column],
        reason: 'newest value',
        limit: 1,
      });
      return { result, samples };
    },
  };
}
