/**
 * A quality alert: the checks of one run that crossed their threshold, with where to read more. It
 * carries check results only (names, numbers, notes), never row values, so it is safe for logs,
 * workflow history and third-party webhooks.
 */
import type { CheckResult, Verdict } from '../gate/checks';
import { formatValue } from '../gate/formatValue';

export interface AlertInput {
  businessDate: string;
  workflowId: string;
  runId: string;
  verdict: Verdict;
  /** The HTML report of the run. */
  report: string;
  checks: CheckResult[];
}

export interface QualityAlert extends Omit<AlertInput, 'checks'> {
  /** Stable per run: receivers can drop the repeats a retried delivery may cause. */
  id: string;
  /** One line for chat tools (Slack-compatible `text`). */
  text: string;
  checks: CheckResult[];
}

/** The alert for a run, or undefined when no check crossed its threshold at the configured level. */
export function alertFor(input: AlertInput, on: 'warn' | 'fail'): QualityAlert | undefined {
  const crossed = input.checks.filter((c) => c.outcome === 'fail' || (on === 'warn' && c.outcome === 'warn'));
  if (crossed.length === 0) return undefined;
  const listed = crossed.map((c) => `${c.name} ${c.outcome} (${formatValue(c.observed, c.unit)} > ${formatValue(c.threshold, c.unit)})`);
  const text = `cartwheel quality ${input.verdict} for ${input.businessDate}: ${crossed.length} ${crossed.length === 1 ? 'check' : 'checks'} over threshold: ${listed.join('; ')}. Report: ${input.report}`;
  return { ...input, id: `quality-${input.runId}`, text, checks: crossed };
}
