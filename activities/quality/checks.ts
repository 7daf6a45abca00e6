/**
 * A quality check is named, has a target, an observed value, a threshold and a severity; its outcome
 * follows from those alone, so a person can read why a load was stopped.
 */
export type Severity = 'warn' | 'error';
export type Outcome = 'pass' | 'warn' | 'fail';
export type Dimension = 'completeness' | 'uniqueness' | 'validity';

export interface CheckResult {
  name: string;
  dimension: Dimension;
  /** What was measured, e.g. `orders.customer_id -> customers.customer_id`. */
  target: string;
  /** A share in [0, 1]. */
  observed: number;
  /** The largest share that passes. */
  threshold: number;
  severity: Severity;
  outcome: Outcome;
}

export function evaluate(check: Omit<CheckResult, 'outcome'>): CheckResult {
  const passed = check.observed <= check.threshold;
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
