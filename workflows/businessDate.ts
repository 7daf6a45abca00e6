/**
 * The business date of a run: given in the input, or, for a run a Schedule started without one, the
 * day before the schedule's action time (the nominal time, not the clock: a catch-up run started hours
 * late, or a backfill, still loads the day it stands for).
 */
import { workflowInfo } from '@temporalio/workflow';
import { assertBusinessDate } from '../domain/businessDateRule';
import { badInput } from '../domain/failures';
import { SCHEDULED_START_TIME } from './searchAttributes';

export function resolveBusinessDate(given: string | undefined): { businessDate: string } {
  // Checked before any activity runs: a bad date (`../../etc`) fails the run at once, not after retries.
  if (given !== undefined && given !== '') return { businessDate: assertBusinessDate(given) };
  const scheduledAt = workflowInfo().typedSearchAttributes.get(SCHEDULED_START_TIME);
  if (scheduledAt === undefined) {
    throw badInput(
      'dailyLoad needs a business date: start it with input {"businessDate": "YYYY-MM-DD"} (Web UI: Start Workflow, input as JSON), or from a Schedule, which supplies its action time.',
      'MissingBusinessDate',
    );
  }
  return { businessDate: dayBefore(scheduledAt) };
}

/** Exports of day D are complete once D is over: a run scheduled on D+1 loads D. */
export function dayBefore(instant: Date): string {
  return new Date(instant.getTime() - 86_400_000).toISOString().slice(0, 10);
}
