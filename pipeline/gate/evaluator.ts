/**
 * The shape every check kind implements: SQL aggregates over the clean rows of its source, computed
 * in one scan together with the other checks of that source (aggregates), then a measurement from
 * those (finish), which may run its own small queries: failing-row samples, cross-source joins.
 */
import type { Warehouse } from '../../clickhouse/client';
import type { SourceName } from '../../domain/contracts';
import type { DataLayout } from '../../domain/layout';
import type { RuleViolationCount } from '../clean/transformSource';
import type { CheckResult } from './checks';
import type { CleanData } from './cleanData';
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
  /** Alias → SQL aggregate over the check's source (e.g. `countIf(price IS NULL)`). */
  aggregates?: Record<string, string>;
  /** Measures from the aggregates' values (by alias). */
  finish(aggregates: ReadonlyMap<string, number>): CheckOutcome | Promise<CheckOutcome>;
}

/** What a check may use to measure. */
export interface EvaluationContext {
  businessDate: string;
  layout: DataLayout;
  warehouse: Warehouse;
  sampleSize: number;
  counts: Record<SourceName, SourceCounts>;
  describer(source: SourceName): RowDescriber;
  /** The day's clean rows of every source, as the warehouse reads them. */
  clean: CleanData;
}

export type EvaluatorFactory<K extends ResolvedCheck['kind']> = (check: Extract<ResolvedCheck, { kind: K }>, context: EvaluationContext) => Evaluator;

/** The measured part of a result that every kind fills the same way. */
export function resultBase(check: ResolvedCheck) {
  return { name: check.name, kind: check.kind, source: check.source, dimension: check.dimension, target: check.target, threshold: check.threshold, severity: check.severity };
}
