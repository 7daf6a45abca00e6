/**
 * The run memo (workflows/runSummary.ts) names the checks that warned and says what to do about them;
 * npm start's printed summary points at quality.html and names them too.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatSummary } from '../ops/stack/summary';
import type { DailyLoadResult } from '../workflows';
import { tempDir } from './helpers/tempDirs';
import type { CheckResult } from '../activities/quality/checks';
import { runSummary } from '../workflows/runSummary';

const check = (name: string, outcome: CheckResult['outcome'], observed: number): Pick<CheckResult, 'name' | 'target' | 'observed' | 'threshold' | 'unit' | 'outcome'> =>
  ({ name, target: `orders.${name}`, observed, threshold: 0.02, unit: 'share', outcome });

describe('run summary', () => {
  it('a warned run names each check that warned, with what it measured, and the next step', () => {
    const summary = runSummary({
      businessDate: '2024-03-10', outcome: 'succeeded', verdict: 'warn', sources: [],
      checks: [check('orders_customer_nulls', 'warn', 0.031), check('orders_duplicates', 'pass', 0)],
    });
    assert.deepEqual(summary.checks, ['orders_customer_nulls (orders.orders_customer_nulls): 0.031 > 0.02 share, warn']);
    assert.match(String(summary.nextStep), /the checks listed warned: see quality\.html in reports\/2024-03-10\//);
  });

  it('a clean run names no check and has no next step', () => {
    const summary = runSummary({ businessDate: '2024-03-10', outcome: 'succeeded', verdict: 'pass', sources: [], checks: [check('orders_duplicates', 'pass', 0)] });
    assert.equal(summary.checks, undefined);
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
});
