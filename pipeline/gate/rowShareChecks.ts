/**
 * Checks that judge each clean row on its own and report the share of rows that fail: nulls
 * (completeness), accepted values, ranges and patterns (validity), and comparisons of two columns
 * of the same row (accuracy). Each is one `countIf` in its source's scan.
 */
import { evaluate, share } from './checks';
import type { CleanSource } from './cleanData';
import { resultBase, type EvaluationContext, type Evaluator } from './evaluator';
import type { ResolvedCheck } from './resolveChecks';
import { sqlNumber, sqlString } from './sqlLiterals';

type RowShareKind = 'null_share' | 'accepted_values' | 'range' | 'pattern' | 'column_comparison';
type RowShareCheck = Extract<ResolvedCheck, { kind: RowShareKind }>;

export function rowShareEvaluator(check: RowShareCheck, context: EvaluationContext): Evaluator {
  const clean = context.clean.source(check.source);
  const fails = failing(check, clean);
  const columns = check.kind === 'column_comparison' ? [check.column, check.other_column] : [check.column];
  return {
    aggregates: { rows: 'count()', failing: `countIf(${fails})` },
    async finish(measured) {
      const rows = measured.get('rows')!;
      const failed = measured.get('failing')!;
      return {
        result: evaluate({ ...resultBase(check), observed: share(failed, rows), unit: 'share', note: `${failed} of ${rows} rows` }),
        samples: failed === 0 ? [] : await context.clean.samples(context.describer(check.source), { where: fails, columns }),
      };
    },
  };
}

/** SQL true when the row fails the check. Missing values fail only null_share: other kinds skip them. */
function failing(check: RowShareCheck, clean: CleanSource): string {
  const value = clean.col(check.column);
  switch (check.kind) {
    case 'null_share':
      return `isNull(${value})`;
    case 'accepted_values':
      return `isNotNull(${value}) AND toString(${value}) NOT IN (${check.values.map(sqlString).join(', ')})`;
    case 'pattern':
      return `isNotNull(${value}) AND NOT match(toString(${value}), ${sqlString(check.regex)})`;
    case 'range': {
      // Money is declared in currency units and stored in cents.
      const scale = clean.spec(check.column).storage === 'cents' ? 100 : 1;
      const outside = [
        ...(check.min === undefined ? [] : [`${value} < ${sqlNumber(Math.round(check.min * scale))}`]),
        ...(check.max === undefined ? [] : [`${value} > ${sqlNumber(Math.round(check.max * scale))}`]),
      ];
      return `isNotNull(${value}) AND (${outside.join(' OR ')})`;
    }
    case 'column_comparison': {
      const other = clean.col(check.other_column);
      return `isNotNull(${value}) AND isNotNull(${other}) AND NOT (${value} ${check.operator} ${other})`;
    }
  }
}
