/**
 * The shape every check kind implements: it sees the clean rows of its source once (observe), and
 * after every source was read it measures (finish), which lets cross-source checks use data from
 * sources read after their own.
 */
import type { Warehouse } from '../../clickhouse/client';
import type { TypedRow, SourceName } from '../contracts';
import type { DataLayout } from '../files/layout';
import type { RuleViolationCount } from '../transform/transformSource';
import type { CheckResult } from './checks';
import type { ResolvedCheck } from './resolveChecks';
import type { FailingSample, RowDescriber } from './samples';

export interface SourceCounts {
  rowsRead: number;
  rowsQuarantined: number;
  duplicatesRemoved: number;
  /** The landed file's header as found (schema drift); absent when the caller does not know it. */
  header?: string[];
  /** Business-rule violations counted by the transform (accuracy). */
  ruleViolations?: RuleViolationCount[];
}

export interface CheckOutcome {
  result: CheckResult;
  samples: FailingSample[];
}

export interface Evaluator {
  observe?(row: TypedRow): void;
  finish(): CheckOutcome | Promise<CheckOutcome>;
}

/** What a check may use besides its source's rows. */
export interface EvaluationContext {
  businessDate: string;
  layout: DataLayout;
  warehouse: Warehouse;
  sampleSize: number;
  counts: Record<SourceName, SourceCounts>;
  describer(source: SourceName): RowDescriber;
  /** Values of a column of another source, complete once every source was read. */
  columnValues(source: SourceName, column: string): ReadonlySet<string>;
  /** Sums of a column per group of another source, complete once every source was read. */
  groupSums(source: SourceName, groupBy: string, column: string): ReadonlyMap<string, { sum: number; line: number }>;
}

export type EvaluatorFactory<K extends ResolvedCheck['kind']> = (check: Extract<ResolvedCheck, { kind: K }>, context: EvaluationContext) => Evaluator;

/** The measured part of a result that every kind fills the same way. */
export function resultBase(check: ResolvedCheck) {
  return { name: check.name, kind: check.kind, source: check.source, dimension: check.dimension, target: check.target, threshold: check.threshold, severity: check.severity };
}
