/**
 * The memo of a dailyLoad run: outcome and counts, readable in the Web UI and by `npm run status`
 * without opening the history. Counts and names only: never row values (personal data).
 */
import type { SourceAccount } from '../activities';
import type { CheckResult } from '../activities/quality/checks';
import type { RunOutcome } from './searchAttributes';

export interface RunSummary {
  businessDate: string;
  outcome: RunOutcome;
  qualityVerdict: string;
  /** read/loaded/quarantined/deduplicated/dropped per source. */
  rows: Record<string, [number, number, number, number, number]>;
  /** Rows per table in the rebuilt month, after a successful load. */
  monthRows?: Record<string, number>;
  failedAt?: string;
  /** The failure message (messages name files, lines and checks, never values). */
  error?: string;
  /** Checks that warned or failed: name, what it measured, observed against threshold. */
  checks?: string[];
  /** What a person should do about a failed or warned run. */
  nextStep?: string;
}

type NamedCheck = Pick<CheckResult, 'name' | 'target' | 'observed' | 'threshold' | 'unit' | 'outcome'>;

/** `orders_null_share (orders.customer_id): 0.031 > 0.02 share`: a check a person can look up. */
export function describeCheck(check: NamedCheck): string {
  return `${check.name} (${check.target}): ${check.observed} > ${check.threshold} ${check.unit}, ${check.outcome}`;
}

function nextStep(outcome: RunOutcome, businessDate: string, verdict?: string): string | undefined {
  if (outcome === 'succeeded' && verdict === 'warn') return `the day loaded; the checks listed warned: see quality.html in reports/${businessDate}/ for each one's failing samples and decide whether the exports need fixing`;
  if (outcome === 'quality_failed') return `fix the exports (the quality report and quarantine files show which rows and why), land them again and start daily-${businessDate} again; a re-run replaces this run`;
  if (outcome === 'failed') return `read the error: a file or archive it names must be repaired first; anything else was retried and can be run again once the worker and warehouse are healthy, by starting daily-${businessDate} again`;
  return undefined;
}

export function runSummary(run: {
  businessDate: string;
  outcome: RunOutcome;
  verdict: string;
  sources: SourceAccount[];
  months?: Record<string, number>;
  failedAt?: string;
  error?: string;
  /** The quality checks of the run; those that warned or failed are named in the summary. */
  checks?: readonly NamedCheck[];
}): RunSummary {
  const flagged = (run.checks ?? []).filter((c) => c.outcome !== 'pass').map(describeCheck);
  const step = nextStep(run.outcome, run.businessDate, run.verdict);
  return {
    businessDate: run.businessDate,
    outcome: run.outcome,
    qualityVerdict: run.verdict,
    rows: Object.fromEntries(run.sources.map((s) => [s.source, [s.rowsRead, s.rowsLoaded, s.rowsQuarantined, s.rowsDeduplicated, s.rowsDropped]])),
    ...(run.months ? { monthRows: run.months } : {}),
    ...(run.failedAt ? { failedAt: run.failedAt } : {}),
    ...(run.error ? { error: run.error.slice(0, 2000) } : {}),
    ...(flagged.length > 0 ? { checks: flagged } : {}),
    ...(step ? { nextStep: step } : {}),
  };
}
