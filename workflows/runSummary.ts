/**
 * The memo of a dailyLoad run: outcome and counts, readable in the Web UI and by `npm run status`
 * without opening the history. Counts and names only: never row values (personal data).
 */
import type { SourceAccount } from '../activities';
import type { CheckResult, Verdict } from '../pipeline/gate/checks';
import type { RunOutcome } from './searchAttributes';

export interface RunSummary {
  businessDate: string;
  outcome: RunOutcome;
  qualityVerdict: Verdict | 'not_checked';
  /**
   * read/loaded/quarantined/deduplicated/dropped/held back per source: read is the sum of the other
   * five. A run that stopped (quality gate, a refused file, a failure, a cancel) holds back what it
   * read and did not set aside.
   */
  rows: Record<string, [number, number, number, number, number, number]>;
  /** Why rows were held back (the same for every source of the run). */
  heldBack?: string;
  /** Sources refused as a whole (missing, wrong header, not UTF-8), with the reason. */
  refused?: Record<string, string>;
  /** Rows per table in the rebuilt month, after a successful load. */
  monthRows?: Record<string, number>;
  failedAt?: string;
  /** The failure message (messages name files, lines and checks, never values). */
  error?: string;
  /** Checks that warned or failed: name, what it measured, observed against threshold. */
  checks?: string[];
  /** Why a run that loaded warned without a check that warned (a day without sales). */
  warning?: string;
  /** What a person should do about a failed or warned run. */
  nextStep?: string;
}

type NamedCheck = Pick<CheckResult, 'name' | 'target' | 'observed' | 'threshold' | 'unit' | 'outcome'>;

/** `orders_null_share (orders.customer_id): 0.031 > 0.02 share`: a check a person can look up. */
export function describeCheck(check: NamedCheck): string {
  return `${check.name} (${check.target}): ${check.observed} > ${check.threshold} ${check.unit}, ${check.outcome}`;
}

function nextStep(outcome: RunOutcome, businessDate: string, checksWarned: boolean, report = `quality.html in reports/${businessDate}/`): string | undefined {
  if (outcome === 'succeeded' && checksWarned) return `the day loaded; the checks listed warned: see ${report} for each one's failing samples and decide whether the exports need fixing`;
  if (outcome === 'quality_failed') return `fix the exports (the quality report ${report} and the quarantine files show which rows and why), land them again and start daily-${businessDate} again; a re-run replaces this run`;
  if (outcome === 'failed') return `read the error: a file or archive it names must be repaired first; anything else was retried and can be run again once the worker and warehouse are healthy, by starting daily-${businessDate} again`;
  return undefined;
}

export function runSummary(run: {
  businessDate: string;
  outcome: RunOutcome;
  verdict: Verdict | 'not_checked';
  sources: SourceAccount[];
  months?: Record<string, number>;
  failedAt?: string;
  error?: string;
  /** The quality checks of the run; those that warned or failed are named in the summary. */
  checks?: readonly NamedCheck[];
  /** The run's quality report for a person (quality.html), named in the next step. */
  report?: string;
  warning?: string;
}): RunSummary {
  const flagged = (run.checks ?? []).filter((c) => c.outcome !== 'pass');
  const step = nextStep(run.outcome, run.businessDate, flagged.some((c) => c.outcome === 'warn'), run.report);
  const heldBack = run.sources.find((s) => (s.rowsHeldBack ?? 0) > 0)?.heldBackReason;
  const refused = run.sources.filter((s) => s.refused);
  return {
    businessDate: run.businessDate,
    outcome: run.outcome,
    qualityVerdict: run.verdict,
    rows: Object.fromEntries(run.sources.map((s) => [s.source, [s.rowsRead, s.rowsLoaded, s.rowsQuarantined, s.rowsDeduplicated, s.rowsDropped, s.rowsHeldBack ?? 0]])),
    ...(heldBack ? { heldBack } : {}),
    ...(refused.length > 0 ? { refused: Object.fromEntries(refused.map((s) => [s.source, s.refused!.slice(0, 500)])) } : {}),
    ...(run.months ? { monthRows: run.months } : {}),
    ...(run.failedAt ? { failedAt: run.failedAt } : {}),
    ...(run.error ? { error: run.error.slice(0, 2000) } : {}),
    ...(flagged.length > 0 ? { checks: flagged.map(describeCheck) } : {}),
    ...(run.warning ? { warning: run.warning } : {}),
    ...(step ? { nextStep: step } : {}),
  };
}
