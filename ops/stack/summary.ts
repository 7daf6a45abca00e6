/** What `npm start` prints after a run: the warehouse's tables, the run's accounts, where to look next. */
import { existsSync, readFileSync } from 'node:fs';
import type { SourceAccount } from '../../pipeline/accounts';
import type { Warehouse } from '../../clickhouse/client';
import type { DailyLoadResult } from '../../workflows';
import { describeCheck } from '../../workflows/runSummary';

const TABLES: { table: string; amount?: string }[] = [
  { table: 'dim_customer' },
  { table: 'dim_product' },
  { table: 'dim_date' },
  { table: 'fact_sales', amount: 'line_total' },
  { table: 'fact_payments', amount: 'amount' },
  { table: 'agg_daily_sales', amount: 'revenue' },
  { table: 'agg_sales_by_category_state', amount: 'revenue' },
  { table: 'agg_monthly_sales', amount: 'revenue' },
  { table: 'agg_customer_monthly', amount: 'revenue' },
  { table: 'agg_product_monthly', amount: 'revenue' },
  { table: 'agg_payment_mix', amount: 'amount' },
  { table: 'agg_delivery' },
];

export interface TableTotals {
  table: string;
  rows: number;
  amount?: string;
}

export async function tableTotals(warehouse: Warehouse): Promise<TableTotals[]> {
  const totals: TableTotals[] = [];
  for (const { table, amount } of TABLES) {
    const result = await warehouse.client.query({
      query: `SELECT count() AS rows${amount ? `, toString(sum(${amount})) AS amount` : ''} FROM ${table}`,
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ rows: number | string; amount?: string }>();
    totals.push({ table, rows: Number(row.rows), amount: row.amount });
  }
  return totals;
}

export function formatSummary(result: DailyLoadResult, totals: TableTotals[], links: { workflowUrl?: string }): string {
  const lines: string[] = [];
  lines.push('', `daily load of ${result.businessDate}: quality ${result.qualityVerdict}`, '');
  // Every column of the run's conservation: read = loaded + quarantined + deduplicated + dropped + held back.
  const columns: [string, (s: SourceAccount) => number][] = [
    ['read', (s) => s.rowsRead],
    ['loaded', (s) => s.rowsLoaded],
    ['quarantined', (s) => s.rowsQuarantined],
    ['deduplicated', (s) => s.rowsDeduplicated],
    ['dropped', (s) => s.rowsDropped],
    ['held back', (s) => s.rowsHeldBack ?? 0],
  ];
  lines.push(`  ${'source'.padEnd(10)}${columns.map(([name]) => name.padStart(Math.max(name.length + 2, 6))).join('')}`);
  for (const s of result.sources) {
    lines.push(`  ${s.source.padEnd(10)}${columns.map(([name, value]) => String(value(s)).padStart(Math.max(name.length + 2, 6))).join('')}`);
  }
  const heldBack = result.sources.find((s) => (s.rowsHeldBack ?? 0) > 0)?.heldBackReason;
  if (heldBack) lines.push(`  held back: ${heldBack}`);
  lines.push('', '  warehouse table                  rows  sum of amounts');
  for (const t of totals) lines.push(`  ${t.table.padEnd(29)}${String(t.rows).padStart(8)}  ${t.amount ?? ''}`);
  // The page a person reads (the JSON beside it is for machines), and the checks that did not pass.
  const html = result.qualityReport.replace(/\.json$/, '.html');
  lines.push('', `  quality report: ${existsSync(html) ? html : result.qualityReport}`);
  for (const check of flaggedChecks(result.qualityReport)) lines.push(`    ${check}`);
  lines.push(`  quarantined rows: ${Object.values(result.quarantineFiles).join(', ')}`);
  if (links.workflowUrl) lines.push(`  Temporal Web UI: ${links.workflowUrl}`);
  lines.push('', '  SQL to try (npm run --silent sql -- --list names every analytics query):');
  lines.push('    npm run --silent sql -- --query monthly_revenue');
  lines.push('    npm run --silent sql -- --query sales_by_category_state');
  lines.push(`    npm run --silent sql -- "SELECT sale_date, orders, revenue FROM agg_daily_sales ORDER BY sale_date"`);
  lines.push(`    npm run --silent sql -- "SELECT source, rows_read, rows_loaded, rows_quarantined, rows_deduplicated, rows_dropped, rows_held_back FROM etl_run_sources FINAL ORDER BY business_date, source"`);
  return lines.join('\n');
}

function flaggedChecks(jsonReport: string): string[] {
  try {
    const report = JSON.parse(readFileSync(jsonReport, 'utf8')) as { checks: Parameters<typeof describeCheck>[0][] };
    return report.checks.filter((c) => c.outcome !== 'pass').map(describeCheck);
  } catch {
    return [];
  }
}
