/**
 * A quality check is named, has a target, an observed value, a threshold and a severity; its outcome
 * follows from those alone, so a person can read why a load was stopped. Every check passes when its
 * observed value is at most its threshold (shares, hours of lag, relative deviation, drifted columns).
 */
import type { SourceName } from '../../domain/contracts';

export type Severity = 'warn' | 'error';
export type Outcome = 'pass' | 'warn' | 'fail';

export const DIMENSIONS = ['completeness', 'uniqueness', 'validity', 'accuracy', 'consistency', 'freshness', 'volume', 'schema'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** What an observed value counts, so reports can print it (a share as a percentage, lag in hours). */
export type Unit = 'share' | 'hours' | 'deviation' | 'columns';

export interface CheckResult {
  name: string;
  /** The declared kind, e.g. `foreign_key`. */
  kind: string;
  source: SourceName;
  dimension: Dimension;
  /** What was measured, e.g. `orders.customer_id -> customers.customer_id`. */
  target: string;
  observed: number;
  /** The largest observed value that passes. */
  threshold: number;
  unit: Unit;
  severity: Severity;
  outcome: Outcome;
  /** Context for a person, never row values: `no history`, `trailing mean 412 over 5 days`. */
  note?: string;
}

export type Measured = Omit<CheckResult, 'outcome'>;

/** Outcome from observed vs threshold; `unmeasurable` (nothing to measure where something must be) fails. */
export function evaluate(check: Measured, options: { unmeasurable?: boolean } = {}): CheckResult {
  const passed = !options.unmeasurable && check.observed <= check.threshold;
  return { ...check, observed: round(check.observed), outcome: passed ? 'pass' : check.severity === 'error' ? 'fail' : 'warn' };
}

export type Verdict = 'passed' | 'warned' | 'failed';

export function verdictOf(results: readonly CheckResult[]): Verdict {
  if (results.some((r) => r.outcome === 'fail')) return 'failed';
  if (results.some((r) => r.outcome === 'warn')) return 'warned';
  return 'passed';
}

export function share(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
