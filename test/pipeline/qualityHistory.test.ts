/**
 * Checks against history (volume, daily orders vs their trailing mean) over several recorded runs,
 * the dq_trends view a SQL client asks, and the HTML report's trend lines.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { parseQualityConfig } from '../../domain/settings/loadQualityConfig';
import { testDataDir } from '../helpers/pipeline';
import { runRecordedDay } from '../helpers/qualityPipeline';
import { freshWarehouse, rows } from '../helpers/warehouse';

const DAYS = ['2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07'];
const SMALL_DAY = '2024-03-08';

describe('quality history across runs', function () {
  this.timeout(120_000);

  it('volume and daily orders pass without history, compare with the trailing band later, and flag a day far below it', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    // The built-in checks plus one declared: the day's amount paid against its trailing mean.
    data.settings.qualityChecks = parseQualityConfig({ sources: { payments: [{ kind: 'trailing_metric', metric: 'payment_value', threshold: 0.5, severity: 'warn' }] } });
    const results: Awaited<ReturnType<typeof runRecordedDay>>[] = [];
    for (const [i, day] of DAYS.entries()) {
      await data.generate(day, 120);
      results.push(await runRecordedDay(data.settings, warehouse, day, `run-${i + 1}`));
    }
    const check = (i: number, name: string) => results[i].quality.checks.find((c) => c.name === name)!;

    // First run: nothing to compare with.
    for (const name of ['orders_volume', 'orders_orders_vs_history', 'payments_payment_value_vs_history']) {
      assert.equal(check(0, name).outcome, 'pass');
      assert.match(check(0, name).note ?? '', /^no history/);
    }
    // Fourth run: three earlier days, the same volume, inside the band.
    for (const name of ['orders_volume', 'orders_orders_vs_history', 'payments_payment_value_vs_history']) {
      assert.equal(check(3, name).outcome, 'pass', `${name}: ${check(3, name).note}`);
      assert.match(check(3, name).note ?? '', /trailing mean .* over 3 days/);
      assert.ok(check(3, name).observed < 0.2);
    }
    assert.match(check(3, 'orders_orders_vs_history').note ?? '', /^today 1[01]\d; trailing mean 1[01]\d(\.\d)? over 3 days \(band /);

    // A day with a quarter of the usual orders: both history checks warn (built-in severity), the load goes on.
    await data.generate(SMALL_DAY, 30, 0); // no defects: only the volume is off
    const small = await runRecordedDay(data.settings, warehouse, SMALL_DAY, 'run-5');
    for (const name of ['orders_volume', 'orders_orders_vs_history', 'payments_volume', 'payments_payment_value_vs_history']) {
      const result = small.quality.checks.find((c) => c.name === name)!;
      assert.equal(result.outcome, 'warn', `${name}: ${result.observed} (${result.note})`);
      assert.ok(result.observed > 0.5);
    }
    assert.equal(small.quality.verdict, 'warned');
    assert.equal(small.loaded, true);

    // History is queryable: the last runs of one check, newest first, with the run's status.
    const trend = await rows<{ business_date: string; run_id: string; observed: number; runs_ago: number | string; run_status: string }>(
      warehouse,
      `SELECT business_date, run_id, observed, runs_ago, run_status FROM dq_trends
       WHERE check_name = 'orders_volume' AND runs_ago <= 30 ORDER BY runs_ago`,
    );
    assert.deepEqual(trend.map((t) => t.business_date), [SMALL_DAY, ...[...DAYS].reverse()]);
    assert.deepEqual(trend.map((t) => Number(t.runs_ago)), [1, 2, 3, 4, 5]);
    assert.ok(trend.every((t) => t.run_status === 'succeeded'));
    // The first run's "no history" result is stored with its explanation, not as a bare 0.
    const [first] = await rows<{ observed: number; note: string }>(warehouse, `SELECT observed, note FROM dq_results FINAL WHERE run_id = 'run-1' AND check_name = 'orders_volume'`);
    assert.equal(Number(first.observed), 0);
    assert.match(first.note, /^no history/);
    assert.ok(Number(trend[0].observed) > 0.5);
    const summary = await rows<{ warned: number | string }>(warehouse, `SELECT warned FROM dq_run_summary WHERE run_id = 'run-5' AND dimension = 'volume'`);
    assert.equal(Number(summary[0].warned), 3, 'customers, orders and payments shrank; the product catalogue did not');

    // The day's HTML report draws the earlier runs as trend lines and the latest values.
    const html = readFileSync(small.quality.htmlReport, 'utf8');
    assert.match(html, /<h4>Trend over the last 5 runs<\/h4>/);
    assert.match(html, /<section class="dimensions">[\s\S]*id="dimension-volume"[\s\S]*<polyline/);
    assert.equal(small.quality.htmlReport.endsWith('reports/2024-03-08/runs/run-5/quality.html'), true, small.quality.htmlReport);
  });

  it('a run the gate stopped does not move the volume band', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    for (const [i, day] of DAYS.slice(0, 3).entries()) {
      await data.generate(day, 100);
      await runRecordedDay(data.settings, warehouse, day, `ok-${i}`);
    }
    await data.generate(DAYS[3], 400, 0.1); // too many rejected rows: stopped, recorded as failed
    const stopped = await runRecordedDay(data.settings, warehouse, DAYS[3], 'stopped');
    assert.equal(stopped.loaded, false);
    await data.generate(SMALL_DAY, 100);
    const next = await runRecordedDay(data.settings, warehouse, SMALL_DAY, 'after');
    const volume = next.quality.checks.find((c) => c.name === 'orders_volume')!;
    assert.match(volume.note ?? '', /over 3 days/);
    assert.equal(volume.outcome, 'pass');
  });
});
