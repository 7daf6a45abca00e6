/**
 * Writes a run's quality results: JSON for machines and a self-contained HTML page for people, under
 * reports/<date>/runs/<run>/ and as the day's latest beside reports/<date>/quality.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Warehouse } from '../../../clickhouse/client';
import type { DataLayout } from '../../../domain/layout';
import type { Verdict } from '../checks';
import type { CheckOutcome } from '../evaluator';
import { renderHtmlReport, TREND_RUNS } from './html';
import { toJsonReport } from './jsonReport';
import { trendHistory } from './trendHistory';

export interface ReportInput {
  layout: DataLayout;
  warehouse: Warehouse;
  businessDate: string;
  runId?: string;
  verdict: Verdict;
  outcomes: CheckOutcome[];
}

export async function writeQualityReports(input: ReportInput): Promise<{ json: string; html: string }> {
  const report = toJsonReport({ businessDate: input.businessDate, runId: input.runId, verdict: input.verdict, outcomes: input.outcomes, generatedAt: new Date() });
  const trends = await trendHistory(input.warehouse, { runs: TREND_RUNS - 1, excludeRunId: input.runId });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const html = renderHtmlReport(report, trends);

  const latest = input.layout.qualityReport(input.businessDate);
  const dayDir = path.dirname(latest);
  const runDir = input.runId ? path.join(dayDir, 'runs', safeFolderName(input.runId)) : dayDir;
  const written = { json: path.join(runDir, 'quality.json'), html: path.join(runDir, 'quality.html') };
  for (const dir of new Set([dayDir, runDir])) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'quality.json'), json);
    writeFileSync(path.join(dir, 'quality.html'), html);
  }
  return written;
}

/** A run id becomes a folder name: keep it to characters that cannot leave the folder. */
function safeFolderName(runId: string): string {
  if (!/^[\w.-]+$/.test(runId) || runId.startsWith('.')) throw new Error(`run id "${runId}" cannot be used as a report folder name`);
  return runId;
}
