/**
 * The HTML report a person opens in a browser: one self-contained file (inline CSS and SVG, no
 * scripts, no network) with the verdict, a chart per quality dimension, trend lines from earlier
 * runs, failing-row samples and every check. Every text is escaped: samples hold raw file values.
 */
import { DIMENSIONS, type CheckResult, type Dimension } from '../checks';
import { formatValue } from '../formatValue';
import type { JsonReport } from './jsonReport';
import { barChart, escapeXml as esc, MAX_SERIES, OUTCOME_COLOR, ratioToThreshold, sparkline, trendChart } from './svg';
import type { TrendPoint } from './trendHistory';

/** Runs shown in trend lines: "how did it move over the last 30 runs". */
export const TREND_RUNS = 30;

const OUTCOME_RANK = { fail: 0, warn: 1, pass: 2 } as const;

const DIMENSION_HELP: Record<Dimension, string> = {
  completeness: 'rows rejected by the contract, nulls in optional columns',
  uniqueness: 'duplicates removed, keys repeated after deduplication',
  validity: 'foreign keys, accepted values, ranges, patterns',
  accuracy: 'business rules, comparisons between columns of a row',
  consistency: 'across tables and against the trailing history',
  freshness: 'newest timestamp against the business date',
  volume: 'rows against the trailing band',
  schema: 'header and value types against the contract',
};

export function renderHtmlReport(report: JsonReport, trends: ReadonlyMap<string, TrendPoint[]>): string {
  const dimensions = DIMENSIONS.filter((d) => report.summary.byDimension[d]);
  const withSamples = report.checks.filter((c) => c.samples.length > 0 && c.outcome !== 'pass');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Quality report ${esc(report.businessDate)}: ${esc(report.verdict)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>Data quality, business date ${esc(report.businessDate)}</h1>
  <p class="verdict ${esc(report.verdict)}">${esc(report.verdict.toUpperCase())}</p>
  <p class="meta">run ${esc(report.runId ?? 'not given')} · generated ${esc(report.generatedAt)} ·
    <span class="pass">${report.summary.pass} passed</span> ·
    <span class="warn">${report.summary.warn} warnings</span> ·
    <span class="fail">${report.summary.fail} failed</span></p>
  <p class="meta">An error-severity failure stops the load before the warehouse is touched; a warning lets it through and is flagged in the run record.
  Bars and lines show observed ÷ threshold: right of the dashed line is over the threshold.</p>
</header>
<main>
<section class="dimensions">
${dimensions.map((d) => dimensionCard(d, report, trends)).join('\n')}
</section>
${withSamples.length > 0 ? `<section><h2>Failing rows (samples)</h2>${withSamples.map(sampleTable).join('\n')}</section>` : ''}
<section>
<h2>Every check</h2>
<table class="checks">
<thead><tr><th>check</th><th>dimension</th><th>target</th><th>observed</th><th>threshold</th><th>severity</th><th>outcome</th><th>last ${TREND_RUNS} runs</th><th>note</th></tr></thead>
<tbody>
${report.checks.map((c) => checkRow(c, trends.get(c.name) ?? [])).join('\n')}
</tbody>
</table>
</section>
</main>
</body>
</html>
`;
}

function dimensionCard(dimension: Dimension, report: JsonReport, trends: ReadonlyMap<string, TrendPoint[]>): string {
  const checks = report.checks.filter((c) => c.dimension === dimension);
  const tally = report.summary.byDimension[dimension]!;
  const bars = barChart(checks.map((c) => ({ label: c.name, ratio: ratioToThreshold(c.observed, c.threshold), outcome: c.outcome, valueText: formatValue(c.observed, c.unit) })));
  const histories = checks.map((c) => [...(trends.get(c.name) ?? []).map((p) => ({ date: p.businessDate, ratio: ratioToThreshold(p.observed, p.threshold) })), { date: report.businessDate, ratio: ratioToThreshold(c.observed, c.threshold) }]);
  const runs = Math.max(...histories.map((h) => h.length));
  const labels = histories.find((h) => h.length === runs)!.map((p) => p.date);
  const series = checks
    .map((c, i) => ({ label: c.name, rank: OUTCOME_RANK[c.outcome], values: [...Array<null>(runs - histories[i].length).fill(null), ...histories[i].map((p) => p.ratio)] }))
    .sort((a, b) => a.rank - b.rank); // failures and warnings first: they must not be the lines left out
  const omitted = Math.max(0, series.length - MAX_SERIES);
  const trend = runs > 1
    ? `<h4>Trend over the last ${runs} runs</h4>${trendChart(series.slice(0, MAX_SERIES), labels)}${omitted ? `<p class="meta">${omitted} more passing ${omitted === 1 ? 'check' : 'checks'} in the table below.</p>` : ''}`
    : '<p class="meta">No earlier runs yet: trend lines appear from the second run on.</p>';
  return `<article class="card" id="dimension-${dimension}">
<h3>${esc(dimension)} <small>${esc(DIMENSION_HELP[dimension])}</small></h3>
<p class="tally"><span class="pass">${tally.pass} pass</span> <span class="warn">${tally.warn} warn</span> <span class="fail">${tally.fail} fail</span></p>
${bars}
${trend}
</article>`;
}

function checkRow(check: CheckResult, history: readonly TrendPoint[]): string {
  const values = [...history.map((p) => p.observed), check.observed];
  return `<tr class="row-${check.outcome}">
<td><code>${esc(check.name)}</code></td><td>${esc(check.dimension)}</td><td>${esc(check.target)}</td>
<td class="num">${esc(formatValue(check.observed, check.unit))}</td><td class="num">${esc(formatValue(check.threshold, check.unit))}</td>
<td>${esc(check.severity)}</td><td><span class="badge" style="background:${OUTCOME_COLOR[check.outcome]}">${esc(check.outcome)}</span></td>
<td>${sparkline(values, check.threshold, check.outcome)}</td><td class="note">${esc(check.note ?? '')}</td></tr>`;
}

function sampleTable(check: JsonReport['checks'][number]): string {
  return `<h3><code>${esc(check.name)}</code> <span class="badge" style="background:${OUTCOME_COLOR[check.outcome]}">${esc(check.outcome)}</span> <small>${esc(check.target)}</small></h3>
<table class="samples"><thead><tr><th>file</th><th>line</th><th>key</th><th>value</th><th>reason</th></tr></thead><tbody>
${check.samples.map((s) => `<tr><td>${esc(s.file)}</td><td class="num">${s.line}</td><td>${esc(s.key)}</td><td>${esc(s.value)}</td><td>${esc(s.reason ?? '')}</td></tr>`).join('\n')}
</tbody></table>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#212121;background:#fafafa}
header{padding:20px 28px;background:#fff;border-bottom:1px solid #e0e0e0}
h1{margin:0 0 6px;font-size:22px} h2{font-size:18px;margin:26px 0 10px} h3{font-size:15px;margin:4px 0 6px} h4{font-size:13px;margin:10px 0 4px;color:#555}
small{font-weight:normal;color:#757575}
main{padding:8px 28px 40px}
.verdict{display:inline-block;margin:4px 0;padding:3px 12px;border-radius:4px;color:#fff;font-weight:600;letter-spacing:.05em}
.verdict.passed{background:${OUTCOME_COLOR.pass}} .verdict.warned{background:${OUTCOME_COLOR.warn}} .verdict.failed{background:${OUTCOME_COLOR.fail}}
.meta{color:#616161;margin:4px 0}
.pass{color:${OUTCOME_COLOR.pass}} .warn{color:${OUTCOME_COLOR.warn}} .fail{color:${OUTCOME_COLOR.fail}}
.dimensions{display:grid;grid-template-columns:repeat(auto-fill,minmax(620px,1fr));gap:16px;margin-top:16px}
.card{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:12px 14px}
.tally span{margin-right:10px;font-weight:600}
svg text{font:11px system-ui,sans-serif;fill:#424242} svg .axis{fill:#9e9e9e} svg .legend{font-size:10px}
svg .threshold{stroke:#616161;stroke-dasharray:4 3;stroke-width:1} svg .axisline{stroke:#bdbdbd}
table{border-collapse:collapse;background:#fff;width:100%;margin-bottom:14px}
th,td{border:1px solid #e0e0e0;padding:4px 8px;text-align:left;vertical-align:middle}
th{background:#f5f5f5;font-weight:600} td.num{text-align:right;white-space:nowrap}
tr.row-fail td:first-child{border-left:4px solid ${OUTCOME_COLOR.fail}} tr.row-warn td:first-child{border-left:4px solid ${OUTCOME_COLOR.warn}}
td.note{min-width:240px}
.badge{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px}
code{font-size:12px}
`;
