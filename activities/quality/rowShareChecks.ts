/**
 * Checks that judge each clean row on its own and report the share of rows that fail: nulls
 * (completeness), accepted values, ranges and patterns (validity), and comparisons of two columns
 * of the same row (accuracy).
 */
import { stagedColumns, type TypedRow } from '../contracts';
import { evaluate, share } from './checks';
import { resultBase, type EvaluationContext, type Evaluator } from './evaluator';
import type { ResolvedCheck } from './resolveChecks';
import { SampleList } from './samples';

type RowShareKind = 'null_share' | 'accepted_values' | 'range' | 'pattern' | 'column_comparison';
type RowShareCheck = Extract<ResolvedCheck, { kind: RowShareKind }>;

export function rowShareEvaluator(check: RowShareCheck, context: EvaluationContext): Evaluator {
  const fails = predicate(check);
  const columns = check.kind === 'column_comparison' ? [check.column, check.other_column] : [check.column];
  const describer = context.describer(check.source);
  const samples = new SampleList(context.sampleSize);
  let rows = 0;
  let failing = 0;
  return {
    observe(row) {
      rows += 1;
      if (!fails(row)) return;
      failing += 1;
      samples.add(() => describer.sample(row, columns));
    },
    finish: () => ({
      result: evaluate({ ...resultBase(check), observed: share(failing, rows), unit: 'share', note: `${failing} of ${rows} rows` }),
      samples: samples.items,
    }),
  };
}

/** True when the row fails the check. Missing values fail only null_share: other kinds skip them. */
function predicate(check: RowShareCheck): (row: TypedRow) => boolean {
  switch (check.kind) {
    case 'null_share':
      return (row) => row[check.column] === null || row[check.column] === undefined;
    case 'accepted_values': {
      const accepted = new Set(check.values);
      return (row) => present(row[check.column]) && !accepted.has(String(row[check.column]));
    }
    case 'pattern': {
      const regex = new RegExp(check.regex, 'u');
      return (row) => present(row[check.column]) && !regex.test(String(row[check.column]));
    }
    case 'range': {
      // Money is declared in currency units and stored in cents.
      const scale = stagedColumns(check.source).find((c) => c.name === check.column)?.storage === 'cents' ? 100 : 1;
      const min = check.min === undefined ? -Infinity : Math.round(check.min * scale);
      const max = check.max === undefined ? Infinity : Math.round(check.max * scale);
      return (row) => present(row[check.column]) && (Number(row[check.column]) < min || Number(row[check.column]) > max);
    }
    case 'column_comparison': {
      const holds = COMPARE[check.operator];
      return (row) => present(row[check.column]) && present(row[check.other_column]) && !holds(row[check.column]!, row[check.other_column]!);
    }
  }
}

function present(value: TypedRow[string] | undefined): boolean {
  return value !== null && value !== undefined;
}

const COMPARE: Record<Extract<ResolvedCheck, { kind: 'column_comparison' }>['operator'], (a: string | number, b: string | number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '=': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};
