/**
 * The quality gate over a day's cleaned data: every configured check (see config.ts), measured by
 * the warehouse in SQL over the clean Parquet parts: one aggregate scan per source for the checks of
 * that source, plus small queries for cross-source joins and failing-row samples. No row passes
 * through JavaScript but the few samples. Writes the JSON and HTML reports (with failing-row samples)
 * and returns a small summary without samples or row values; the workflow stops the load when the
 * verdict is `failed`.
 */
import { currentWork } from '../workContext';
import type { Warehouse } from '../../clickhouse/client';
import { SOURCE_NAMES, type SourceName } from '../../domain/contracts';
import type { DataLayout } from '../../domain/layout';
import { verdictOf, type CheckResult, type Verdict } from './checks';
import { CleanData } from './cleanData';
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

/** A long aggregate over a big day runs between two queries' heartbeats: beat on a timer too. */
const HEARTBEAT_MS = 20_000;

export async function checkQuality(deps: QualityDependencies, input: QualityInput): Promise<QualitySummary> {
  // Outside an activity (the bench, scripts) there is nobody to heartbeat to.
  const activity = currentWork();
  const ticker = setInterval(() => activity?.heartbeat({ businessDate: input.businessDate }), HEARTBEAT_MS);
  try {
    return await measureAndReport(deps, input, (source) => activity?.heartbeat({ source }));
  } finally {
    clearInterval(ticker);
  }
}

async function measureAndReport(deps: QualityDependencies, input: QualityInput, measuredSource: (source: SourceName) => void): Promise<QualitySummary> {
  const { layout, warehouse, checks } = deps;
  const describers = new Map(SOURCE_NAMES.map((s) => [s, new RowDescriber(s, layout.landingFile(input.businessDate, s))]));
  const context: EvaluationContext = {
    businessDate: input.businessDate,
    layout,
    warehouse,
    sampleSize: deps.sampleSize,
    counts: input.counts,
    describer: (source) => describers.get(source)!,
    clean: await CleanData.open(warehouse, layout, input.businessDate, deps.sampleSize),
  };
  const evaluators = checks.map((check) => ({ check, evaluator: evaluatorFor(check, context) }));

  // One scan per source computes the aggregates of all its checks, each under its own prefix.
  const measured = evaluators.map(() => new Map<string, number>());
  for (const source of SOURCE_NAMES) {
    const expressions = new Map<string, string>();
    evaluators.forEach(({ check, evaluator }, i) => {
      if (check.source !== source) return;
      for (const [alias, sql] of Object.entries(evaluator.aggregates ?? {})) expressions.set(`c${i}_${alias}`, sql);
    });
    if (expressions.size === 0) continue;
    const values = await context.clean.aggregate(source, expressions);
    evaluators.forEach(({ check, evaluator }, i) => {
      if (check.source !== source) return;
      for (const alias of Object.keys(evaluator.aggregates ?? {})) measured[i].set(alias, values.get(`c${i}_${alias}`)!);
    });
    measuredSource(source);
  }

  const outcomes: CheckOutcome[] = [];
  for (const [i, { evaluator }] of evaluators.entries()) outcomes.push(await evaluator.finish(measured[i]));
  const results = outcomes.map((o) => o.result);
  const verdict = verdictOf(results);
  const files = await writeQualityReports({ layout, warehouse, businessDate: input.businessDate, runId: input.runId, verdict, outcomes });
  return { verdict, reportFile: files.json, htmlReport: files.html, checks: results };
}
