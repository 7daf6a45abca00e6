/**
 * The quality gate over a day's cleaned data: completeness, uniqueness and foreign-key validity,
 * each against a configured threshold. Writes the full report as JSON and returns a small summary;
 * the workflow stops the load when the verdict is `failed`.
 */
import { Context } from '@temporalio/activity';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONTRACTS, contractColumns, SOURCE_NAMES, type SourceName } from '../contracts';
import type { DataLayout } from '../files/layout';
import { readCleanRows } from '../files/cleanRows';
import type { QualityThresholds } from '../settings';
import { rowKey } from '../transform/deduplicate';
import { evaluate, share, verdictOf, type CheckResult, type Verdict } from './checks';

export interface SourceCounts {
  rowsRead: number;
  rowsQuarantined: number;
  duplicatesRemoved: number;
}

export interface QualityInput {
  businessDate: string;
  counts: Record<SourceName, SourceCounts>;
}

export interface QualitySummary {
  verdict: Verdict;
  reportFile: string;
  checks: CheckResult[];
}

/** Foreign keys checked: child column -> parent source and its key column. */
const FOREIGN_KEYS = [
  { child: 'orders', column: 'customer_id', parent: 'customers' },
  { child: 'orders', column: 'product_id', parent: 'products' },
  { child: 'payments', column: 'order_id', parent: 'orders' },
] as const satisfies readonly { child: SourceName; column: string; parent: SourceName }[];

export async function checkQuality(
  layout: DataLayout,
  thresholds: QualityThresholds,
  input: QualityInput,
): Promise<QualitySummary> {
  const checks: CheckResult[] = [];
  const parentKeys = new Map<SourceName, Set<string>>();
  const foreignValues = new Map<string, string[]>();

  for (const source of SOURCE_NAMES) {
    const contract = CONTRACTS[source];
    const counts = input.counts[source];
    const nullable = contractColumns(contract).filter((c) => c.nullable).map((c) => c.name);
    const nulls = new Map(nullable.map((name) => [name, 0]));
    const keys = new Set<string>();
    let rows = 0;
    let repeatedKeys = 0;
    const collectKeys = FOREIGN_KEYS.some((fk) => fk.parent === source);
    const references = FOREIGN_KEYS.filter((fk) => fk.child === source);
    const referenced = references.map(() => [] as string[]);

    for await (const row of readCleanRows(layout, input.businessDate, source)) {
      rows += 1;
      for (const name of nullable) if (row[name] === null) nulls.set(name, nulls.get(name)! + 1);
      const key = rowKey(row, contract.key);
      if (keys.has(key)) repeatedKeys += 1;
      keys.add(key);
      references.forEach((fk, i) => referenced[i].push(String(row[fk.column])));
    }
    Context.current().heartbeat({ source, rows });
    if (collectKeys) parentKeys.set(source, new Set([...keys].map((k) => k.split('\u0000')[0])));
    references.forEach((fk, i) => foreignValues.set(`${fk.child}.${fk.column}`, referenced[i]));

    checks.push(
      evaluate({
        name: `${source}_quarantined_share`,
        dimension: 'completeness',
        target: `${source} rows rejected by the contract`,
        observed: share(counts.rowsQuarantined, counts.rowsRead),
        threshold: thresholds.maxQuarantinedShare,
        severity: 'error',
      }),
      evaluate({
        name: `${source}_duplicate_share`,
        dimension: 'uniqueness',
        target: `${source} rows repeating key (${contract.key.join(', ')})`,
        observed: share(counts.duplicatesRemoved, counts.rowsRead - counts.rowsQuarantined),
        threshold: thresholds.warnDuplicateShare,
        severity: 'warn',
      }),
      evaluate({
        name: `${source}_key_unique`,
        dimension: 'uniqueness',
        target: `${source} (${contract.key.join(', ')}) unique after deduplication`,
        observed: share(repeatedKeys, rows),
        threshold: 0,
        severity: 'error',
      }),
      ...nullable.map((name) =>
        evaluate({
          name: `${source}_${name}_null_share`,
          dimension: 'completeness',
          target: `${source}.${name}`,
          observed: share(nulls.get(name)!, rows),
          threshold: thresholds.warnNullShare,
          severity: 'warn',
        }),
      ),
    );
  }

  for (const fk of FOREIGN_KEYS) {
    const values = foreignValues.get(`${fk.child}.${fk.column}`) ?? [];
    const parents = parentKeys.get(fk.parent) ?? new Set<string>();
    const orphans = values.filter((value) => !parents.has(value)).length;
    checks.push(
      evaluate({
        name: `${fk.child}_${fk.column}_exists`,
        dimension: 'validity',
        target: `${fk.child}.${fk.column} -> ${fk.parent}.${CONTRACTS[fk.parent].key[0]}`,
        observed: share(orphans, values.length),
        threshold: thresholds.maxOrphanShare,
        severity: 'error',
      }),
    );
  }

  const verdict = verdictOf(checks);
  const reportFile = layout.qualityReport(input.businessDate);
  mkdirSync(path.dirname(reportFile), { recursive: true });
  writeFileSync(reportFile, `${JSON.stringify({ businessDate: input.businessDate, verdict, checks }, null, 2)}\n`);
  return { verdict, reportFile, checks };
}
