/**
 * Bad input is not fixed by retrying: such failures are non-retryable and name the file (and where
 * possible line and column) so the person reading the Web UI knows what to repair.
 */
import { ApplicationFailure } from '@temporalio/common';

export function badInput(message: string, type: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type, nonRetryable: true });
}
