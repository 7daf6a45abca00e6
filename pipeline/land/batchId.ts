/**
 * Change batch ids name folders (landing/, archive/, staging/.../changes=<id>/) and order batches, so
 * they are validated like business dates: `YYYYMMDDTHHMMSSZ`, the UTC time the batch was exported,
 * optionally followed by `-label` (lowercase letters, digits, dashes), e.g. `20240415T093000Z` or
 * `20240415T093000Z-carrier-fixes`. Sorting ids sorts batches by export time; the date part is the
 * batch's date in the run record.
 */
import { badInput } from '../../domain/failures';
import { assertSegment } from '../../domain/security/confine';

/** The id pattern, also used to recognise staged `changes=<id>` folders. */
export const BATCH_ID_PATTERN = '\\d{8}T\\d{6}Z(?:-[a-z0-9][a-z0-9-]{0,39})?';
const BATCH_ID = new RegExp(`^${BATCH_ID_PATTERN}$`);

/** Why `value` is not a batch id, or undefined when it is one. */
export function batchIdProblem(value: string): string | undefined {
  if (!BATCH_ID.test(value)) return `change batch id "${value}" is not of the form YYYYMMDDTHHMMSSZ[-label] (UTC export time, label of a-z, 0-9 and dashes)`;
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(9, 11)}:${value.slice(11, 13)}:${value.slice(13, 15)}Z`;
  const parsed = new Date(iso);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().replace('.000Z', 'Z') !== iso) return `change batch id "${value}" does not start with a real UTC date and time`;
  return undefined;
}

/** `value` when it is a batch id; otherwise a non-retryable failure naming it (a path escape fails as PathOutsideRoot). */
export function assertBatchId(value: string): string {
  assertSegment(value, 'change batch id');
  const problem = batchIdProblem(value);
  if (problem) throw badInput(problem, 'InvalidBatchId');
  return value;
}

/** The batch's export date, YYYY-MM-DD. */
export function batchDateOf(batchId: string): string {
  return `${batchId.slice(0, 4)}-${batchId.slice(4, 6)}-${batchId.slice(6, 8)}`;
}

/** The batch's export time, epoch milliseconds UTC. */
export function batchTimeOf(batchId: string): number {
  return Date.parse(`${batchDateOf(batchId)}T${batchId.slice(9, 11)}:${batchId.slice(11, 13)}:${batchId.slice(13, 15)}Z`);
}
