/**
 * The run memo (workflows/runSummary.ts) names the checks that warned and says what to do about them,
 * and shows what a stopped run held back; npm start's printed summary points at quality.html and
 * names the warned checks too. The memos of real runs: test/pipeline/runAccounts.test.ts.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatSummary } from '../../ops/stack/summary';
import type { DailyLoadResult } from '../../workflows';
import { tempDir } from '../helpers/tempDirs';
import type { CheckResult } from '../../pipeline/gate/checks';
import { runSummary } from '../../workflows/runSummary';

const check = (name: string, outcome: CheckResult['outcome'], observed: number): Pick<CheckResult, 'name' | 'target' | 'observed' | 'threshold' | 'unit' | 'outcome'> =>
  ({ name, target: `orders.${name}`, observed, threshold: 0.02, unit: 'share', outcome });

describe('run summary', () => {
  it('a warned run names each check that warned, with what it measured, and the next step', () => {
    const summary = runSummary({
      businessDate: '2024-03-10', outcome: 'succeeded', verdict: 'warned', sources: [],
      checks: [check('orders_customer_nulls', 'warn', 0.031), check('orders_duplicates', 'pass', 0)],
      report: 'data/reports/2024-03-10/runs/r1/quality.html',
    });
    assert.deepEqual(summary.checks, ['orders_customer_nulls (orders.orders_customer_nulls): 0.031 > 0.02 share, warn']);
    assert.match(String(summary.nextStep), /the checks listed warned: see data\/reports\/2024-03-10\/runs\/r1\/quality\.html /);
  });

  it('a gate-stopped run shows what it held back, why, and the check that failed: read = loaded + quarantined + deduplicated + dropped + held back', () => {
    const summary = runSummary({
      businessDate: '2024-03-11', outcome: 'quality_failed', verdict: 'failed', failedAt: 'checking_quality',
      sources: [
        { source: 'orders', rowsRead: 100, rowsLoaded: 0, rowsQuarantined: 12, rowsDeduplicated: 3, rowsDropped: 1, rowsHeldBack: 84, heldBackReason: 'quality gate stopped the load: orders_quarantined_share (0.12 > 0.05)' },
        { source: 'products', rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0, rowsDeduplicated: 0, rowsDropped: 0, rowsHeldBack: 0, refused: 'products.csv line 1: header does not match the products contract' },
      ],
      checks: [{ ...check('orders_quarantined_share', 'fail', 0.12), threshold: 0.05 }],
    });
    assert.deepEqual(summary.rows.orders, [100, 0, 12, 3, 1, 84]);
    for (const [read, ...parts] of Object.values(summary.rows)) assert.equal(read, parts.reduce((a, b) => a + b, 0));
    assert.match(String(summary.heldBack), /^quality gate stopped the load: orders_quarantined_share/);
    assert.deepEqual(summary.refused, { products: 'products.csv line 1: header does not match the products contract' });
    assert.deepEqual(summary.checks, ['orders_quarantined_share (orders.orders_quarantined_share): 0.12 > 0.05 share, fail']);
  });

  it('a clean run names no check and has no next step', () => {
    const summary = runSummary({ businessDate: '2024-03-10', outcome: 'succeeded', verdict: 'passed', sources: [], checks: [check('orders_duplicates', 'pass', 0)] });
    assert.equal(summary.checks, undefined);
    assert.equal(summary.heldBack, undefined);
    assert.equal(summary.nextStep, undefined);
  });

  it("npm start's summary points at quality.html and names the warned check", () => {
    const dir = tempDir('summary');
    const json = path.join(dir, 'quality.json');
    writeFileSync(json, JSON.stringify({ checks: [check('orders_customer_nulls', 'warn', 0.031), check('orders_duplicates', 'pass', 0)] }));
    writeFileSync(path.join(dir, 'quality.html'), '<html></html>');
    const result = { businessDate: '2024-03-10', runId: 'r', qualityVerdict: 'warn', qualityReport: json, sources: [], quarantineFiles: {}, monthRows: {} } as unknown as DailyLoadResult;
    const text = formatSummary(result, [], {});
    assert.match(text, new RegExp(`quality report: ${path.join(dir, 'quality.html').replace(/[.]/g, '\\.')}\n`));
    assert.match(text, /orders_customer_nulls \(orders\.orders_customer_nulls\): 0\.031 > 0\.02 share, warn/);
    assert.doesNotMatch(text, /orders_duplicates/);
  });

  it("npm start's summary shows every conservation column, dropped and held back included, and why rows were held back", () => {
    const sources = [
      { source: 'orders', rowsRead: 100, rowsLoaded: 0, rowsQuarantined: 3, rowsDeduplicated: 2, rowsDropped: 4, rowsHeldBack: 91, heldBackReason: 'no sales to load' },
      { source: 'customers', rowsRead: 10, rowsLoaded: 9, rowsQuarantined: 0, rowsDeduplicated: 1, rowsDropped: 0 },
    ];
    const result = { businessDate: '2024-03-10', runId: 'r', qualityVerdict: 'passed', qualityReport: '/nowhere/quality.json', sources, quarantineFiles: {}, monthRows: {} } as unknown as DailyLoadResult;
    const text = formatSummary(result, [], {});
    assert.match(text, /source +read +loaded +quarantined +deduplicated +dropped +held back\n/);
    assert.match(text, /orders +100 +0 +3 +2 +4 +91\n/);
    assert.match(text, /customers +10 +9 +0 +1 +0 +0\n/, 'a record without held-back rows shows 0');
    assert.match(text, /held back: no sales to load/);
  });
});
