/**
 * The quality gate over a day's cleaned data: every configured check (see config.ts), evaluated in
 * one read of each source's clean rows. Writes the JSON and HTML reports (with failing-row samples)
 * and returns a small summary without samples or row values; the workflow stops the load when the
 * verdict is `failed`.
 */
import { Context } from '@temporalio/activity';
import type { Warehouse } from '../../clickhouse/client';
import { SOURCE_NAMES, type SourceName } from '../contracts';
import { readCleanRows } from '../files/cleanRows';
import type { DataLayout } from '../files/layout';
import { verdictOf, type CheckResult, type Verdict } from './checks';
import { CrossSourceIndex } from './crossSourceIndex';
import type { CheckOutcome, EvaluationContext, SourceCounts } from './evaluator';
import { evaluatorFor } from './evaluators';
import { writeQualityReports } from './report/writeReports';
import type { ResolvedCheck } from './resolveChecks';
import { RowDescriber } from './samples';

export type { SourceCounts } from './evaluator';

export interface QualityInput {
  businessDate: string;
  /** The workflow run, so each run keeps its own report beside the day's latest. */
  runId?: string;
  counts: Record<SourceName, SourceCounts>;
}

export interface QualitySummary {
  verdict: Verdict;
  /** JSON report of this run. */
  reportFile: string;
  /** Self-contained HTML report of this run. */
  htmlReport: string;
  /** Results without samples: this travels through workflow history. */
  checks: CheckResult[];
}

export interface QualityDependencies {
  layout: DataLayout;
  warehouse: Warehouse;
  checks: readonly ResolvedCheck[];
  sampleSize: number;
}

const HEARTBEAT_EVERY = 50_000;

export async function checkQuality(deps: QualityDependencies, input: QualityInput): Promise<QualitySummary> {
  const { layout, warehouse, checks } = deps;
  const index = new CrossSourceIndex(checks);
  const describers = new Map(SOURCE_NAMES.map((s) => [s, new RowDescriber(s, layout.landingFile(input.businessDate, s))]));
  const context: EvaluationContext = {
    businessDate: input.businessDate,
    layout,
    warehouse,
    sampleSize: deps.sampleSize,
    counts: input.counts,
    describer: (source) => describers.get(source)!,
    columnValues: (source, column) => index.columnValues(source, column),
    groupSums: (source, groupBy, column) => index.groupSums(source, groupBy, column),
  };
  const evaluators = checks.map((check) => ({ check, evaluator: evaluatorFor(check, context) }));

  for (const source of SOURCE_NAMES) {
    const observers = evaluators.filter((e) => e.check.source === source && e.evaluator.observe).map((e) => e.evaluator);
    const collectors = index.collectorsFor(source);
    if (observers.length === 0 && collectors.length === 0) continue;
    let rows = 0;
    for await (const row of readCleanRows(layout, input.businessDate, source)) {
      for (const observer of observers) observer.observe!(row);
      for (const collector of collectors) collector.add(row);
      rows += 1;
      if (rows % HEARTBEAT_EVERY === 0) Context.current().heartbeat({ source, rows });
    }
    Context.current().heartbeat({ source, rows });
  }

  const outcomes: CheckOutcome[] = [];
  for (const { evaluator } of evaluators) outcomes.push(await evaluator.finish());
  const results = outcomes.map((o) => o.result);
  const verdict = verdictOf(results);
  const files = await writeQualityReports({ layout, warehouse, businessDate: input.businessDate, runId: input.runId, verdict, outcomes });
  return { verdict, reportFile: files.json, htmlReport: files.html, checks: results };
}
