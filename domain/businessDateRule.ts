/**
 * What a business date must be, in one place for the workflow (which checks its input before any
 * activity runs) and the activities (which turn dates into folder names). No Node imports: the
 * workflow bundle includes this file.
 */
import { badInput, type FailureType } from './failures';

const BUSINESS_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What a business date must be, in the words of every command line (`--date: must be …`) and of the workflow. */
export const BUSINESS_DATE_RULE = 'must be a calendar date YYYY-MM-DD';

/** The failure type of a business date that is not a calendar date (non-retryable: retrying cannot fix it). */
export const INVALID_BUSINESS_DATE = 'InvalidBusinessDate' satisfies FailureType;

/** Why `value` is not a business date, or undefined when it is one. */
export function businessDateProblem(value: unknown): string | undefined {
  const text = String(value);
  const parsed = new Date(`${text}T00:00:00Z`);
  if (typeof value === 'string' && BUSINESS_DATE.test(value) && !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value) return undefined;
  return `business date "${text}" ${BUSINESS_DATE_RULE}`;
}

/** `value` when it is a calendar date YYYY-MM-DD, else a non-retryable InvalidBusinessDate failure. */
export function assertBusinessDate(value: string): string {
  const problem = businessDateProblem(value);
  if (problem) throw badInput(problem, INVALID_BUSINESS_DATE);
  return value;
}
