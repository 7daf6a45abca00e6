/** The JSON report: one entry per check with its result and failing-row samples, plus a summary. */
import { DIMENSIONS, type CheckResult, type Dimension, type Outcome, type Verdict } from '../checks';
import type { CheckOutcome } from '../evaluator';
import type { FailingSample } from '../samples';

export type Tally = Record<Outcome, number>;

export interface JsonReport {
  businessDate: string;
  runId: string | null;
  generatedAt: string;
  verdict: Verdict;
  summary: Tally & { byDimension: Partial<Record<Dimension, Tally>> };
  checks: (CheckResult & { samples: FailingSample[] })[];
}

export function toJsonReport(input: { businessDate: string; runId?: string; verdict: Verdict; outcomes: CheckOutcome[]; generatedAt: Date }): JsonReport {
  const checks = input.outcomes.map((o) => ({ ...o.result, samples: o.samples }));
  const byDimension: Partial<Record<Dimension, Tally>> = {};
  for (const dimension of DIMENSIONS) {
    const of = checks.filter((c) => c.dimension === dimension);
    if (of.length > 0) byDimension[dimension] = tally(of);
  }
  return {
    businessDate: input.businessDate,
    runId: input.runId ?? null,
    generatedAt: input.generatedAt.toISOString(),
    verdict: input.verdict,
    summary: { ...tally(checks), byDimension },
    checks,
  };
}

function tally(checks: readonly CheckResult[]): Tally {
  return {
    pass: checks.filter((c) => c.outcome === 'pass').length,
    warn: checks.filter((c) => c.outcome === 'warn').length,
    fail: checks.filter((c) => c.outcome === 'fail').length,
  };
}
