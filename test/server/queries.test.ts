/**
 * Named analytics queries (clickhouse/queries/*.sql) on generated data spanning three months, with a
 * customer who moves: each answers, and its answer agrees with the facts. Also `npm run sql --query`.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Warehouse } from '../../clickhouse/client';
import { listNamedQueries } from '../../clickhouse/namedQueries';
import { measureQueryLatency } from '../../ops/bench/queryLatency';
import { editCustomer, landedCustomers } from '../helpers/landingEdits';
import { testDataDir } from '../helpers/pipeline';
import { runDay } from '../helpers/runActivities';
import { freshServerWarehouse, rows, scalar, serverEnv } from '../helpers/warehouse';

const execFileAsync = promisify(execFile);
const DAYS = ['2024-02-20', '2024-03-10', '2024-04-11'];

type Row = Record<string, string | number | null>;
const num = (value: unknown) => Number(value);
const sum = (list: Row[], column: string) => list.reduce((total, row) => total + num(row[column]), 0);
const cents = (value: unknown) => Math.round(num(value) * 100);

describe('named analytics queries', function () {
  this.timeout(180_000);
  const data = testDataDir();
  let warehouse: Warehouse;
  let mover: string;
  const answers: Record<string, Row[]> = {};

  before(async () => {
    for (const day of DAYS) await data.generate(day, 300);
    // A customer of February lives in another region by April.
    const february = landedCustomers(data.layout.landingFile(DAYS[0], 'customers'));
    const april = landedCustomers(data.layout.landingFile(DAYS[2], 'customers'));
    mover = [...april.keys()].filter((id) => february.has(id) && !['AL', 'BA', 'CE', 'MA', 'PB', 'PE', 'PI', 'RN', 'SE'].includes(february.get(id)!.customer_state)).sort()[0];
    editCustomer(data.layout.landingFile(DAYS[2], 'customers'), mover, { customer_state: 'PE', customer_city: 'recife', customer_zip_code_prefix: '50010' });
    // The loader of the chDB server, as in production; npm run sql below asks it as the analyst.
    warehouse = await freshServerWarehouse('cartwheel_queries', 'loader');
    for (const day of DAYS) await runDay(data.settings, warehouse, day);
    for (const query of listNamedQueries()) answers[query.name] = await rows<Row>(warehouse, query.sql);
  });

  it('every named query says what it answers, and answers with rows', () => {
    assert.ok(listNamedQueries().length >= 10);
    for (const query of listNamedQueries()) {
      assert.ok(query.description.length > 20, `${query.name} opens with a comment saying what it answers`);
      assert.ok(answers[query.name].length > 0, `${query.name} returns rows`);
    }
  });

  it('reads only tables the analyst role may read', () => {
    const grants = readFileSync(path.join(__dirname, '..', '..', 'clickhouse', 'migrations', '0006_roles.sql'), 'utf8');
    const readable = new Set([...grants.matchAll(/GRANT SELECT ON \$\{database\}\.(\w+) TO \$\{database\}_analyst/g)].map((m) => m[1]));
    for (const query of listNamedQueries()) {
      const tables = [...query.sql.matchAll(/\b(?:FROM|JOIN)\s+([a-z_]+)\b/g)].map((m) => m[1]);
      for (const table of tables) assert.ok(readable.has(table), `${query.name} reads ${table}, which the analyst cannot`);
    }
  });

  it('monthly_revenue: one row per month, revenue and orders of the facts, AOV = revenue / orders', async () => {
    const months = answers.monthly_revenue;
    assert.deepEqual(months.map((m) => m.sale_month), ['2024-02-01', '2024-03-01', '2024-04-01']);
    assert.equal(Math.round(sum(months, 'revenue') * 100), cents(await scalar(warehouse, 'SELECT sum(line_total) FROM fact_sales')));
    assert.equal(sum(months, 'orders'), await scalar(warehouse, 'SELECT uniqExact(order_id) FROM fact_sales'));
    for (const m of months) assert.ok(Math.abs(num(m.avg_order_value) - num(m.revenue) / num(m.orders)) < 0.01);
    assert.equal(months[0].revenue_growth_pct, null);
    assert.ok(months.slice(1).every((m) => typeof m.revenue_growth_pct === 'number'));
  });

  it('daily_sales: the last 31 days of data (only the April day here) with the facts of that day', async () => {
    assert.deepEqual(answers.daily_sales.map((d) => [d.sale_date, d.weekday]), [['2024-04-11', 'Thursday']]);
    assert.equal(cents(answers.daily_sales[0].revenue), cents(await scalar(warehouse, "SELECT sum(line_total) FROM fact_sales WHERE sale_date = '2024-04-11'")));
  });

  it('sales_by_category_state: the 20 largest pairs, in order, with shares of the period', () => {
    const pairs = answers.sales_by_category_state;
    assert.equal(pairs.length, 20);
    assert.ok(pairs.every((p, i) => i === 0 || num(pairs[i - 1].revenue) >= num(p.revenue)));
    assert.ok(sum(pairs, 'revenue_share_pct') > 0 && sum(pairs, 'revenue_share_pct') <= 100);
  });

  it('customer_lifetime_value and customer_segments cover every identified buyer once', async () => {
    const buyers = await scalar(warehouse, "SELECT uniqExact(customer_unique_id) FROM fact_sales WHERE customer_unique_id != ''");
    const revenue = cents(await scalar(warehouse, "SELECT sum(line_total) FROM fact_sales WHERE customer_unique_id != ''"));
    assert.equal(sum(answers.customer_lifetime_value, 'customers'), buyers);
    assert.equal(Math.round(sum(answers.customer_lifetime_value, 'revenue') * 100), revenue);
    assert.deepEqual(answers.customer_lifetime_value.map((c) => c.cohort_month), ['2024-02-01', '2024-03-01', '2024-04-01']);
    for (const c of answers.customer_lifetime_value) assert.ok(num(c.median_ltv) <= num(c.p90_ltv));
    assert.equal(sum(answers.customer_segments, 'customers'), buyers);
    assert.ok(Math.abs(sum(answers.customer_segments, 'customer_share_pct') - 100) < 0.5);
  });

  it('cohort_retention: every cohort is all there in its own month and no larger later', () => {
    for (const row of answers.cohort_retention) {
      if (num(row.months_later) === 0) assert.equal(num(row.retention_pct), 100);
      assert.ok(num(row.active_customers) <= num(row.cohort_size));
    }
    assert.ok(answers.cohort_retention.some((r) => num(r.months_later) === 2), 'February buyers come back in April');
  });

  it('product_performance: the latest month\'s 20 best sellers with band and class from dim_product', async () => {
    const products = answers.product_performance;
    assert.equal(products.length, 20);
    const bands = new Set(['under 25', '25-50', '50-100', '100-200', '200-500', '500 and over']);
    for (const p of products) {
      assert.ok(bands.has(String(p.price_band)), `price band ${p.price_band}`);
      assert.ok(['small', 'medium', 'large', 'bulky'].includes(String(p.size_class)));
      assert.ok(num(p.units) >= num(p.orders) && num(p.orders) > 0);
    }
    const [top] = products;
    const facts = await scalar(warehouse, "SELECT sum(line_total) FROM fact_sales WHERE product_id = {id:String} AND toStartOfMonth(sale_date) = '2024-04-01'", { id: String(top.product_id) });
    assert.equal(cents(top.revenue), cents(facts));
  });

  it('payment_mix: shares add up to 100 and amounts to the payments of the period', async () => {
    const mix = answers.payment_mix;
    assert.ok(Math.abs(sum(mix, 'amount_share_pct') - 100) < 0.5);
    assert.equal(Math.round(sum(mix, 'amount') * 100), cents(await scalar(warehouse, "SELECT sum(amount) FROM fact_payments WHERE business_date > toDate('2024-04-11') - 30")));
    assert.equal(num(mix.find((m) => m.payment_type === 'boleto')?.mean_installments), 1);
  });

  it('delivery_performance: late <= delivered <= orders in every state, late share agrees', () => {
    for (const s of answers.delivery_performance) {
      assert.ok(num(s.late) <= num(s.delivered) && num(s.delivered) <= num(s.orders), String(s.state));
      if (num(s.delivered) > 0) assert.ok(Math.abs(num(s.late_pct) - (100 * num(s.late)) / num(s.delivered)) < 0.06);
    }
  });

  it('measureQueryLatency (npm run bench) runs every named query and counts its rows', async () => {
    const measured = await measureQueryLatency(warehouse);
    assert.deepEqual(measured.map((m) => m.name), listNamedQueries().map((q) => q.name));
    for (const m of measured) {
      assert.equal(m.rows, answers[m.name].length, m.name);
      assert.ok(Number.isFinite(m.ms) && m.ms >= 0);
    }
  });

  it('revenue_by_region_at_order: the mover\'s earlier sales count where they lived then', async () => {
    const regions = answers.revenue_by_region_at_order;
    assert.equal(Math.round(sum(regions, 'revenue') * 100), cents(await scalar(warehouse, 'SELECT sum(line_total) FROM fact_sales')));
    const moved = cents(await scalar(warehouse, "SELECT sum(line_total) FROM fact_sales WHERE customer_id = {id:String} AND sale_date < '2024-04-11'", { id: mover }));
    assert.ok(moved > 0);
    assert.equal(Math.round(sum(regions, 'revenue_of_customers_living_elsewhere_now') * 100), moved);
    const northeast = regions.find((r) => r.region_at_order === 'Northeast');
    assert.ok(northeast, 'the mover\'s April sales are in the Northeast');
  });

  describe('npm run sql', () => {
    const cli = async (...args: string[]) =>
      execFileAsync(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', '..', 'ops', 'sql.ts'), ...args], {
        env: { ...process.env, CARTWHEEL_DATA_DIR: data.settings.dataDir, ...(await serverEnv('cartwheel_queries', 'analyst')) },
      });

    it('--query NAME prints the named query\'s answer as tab-separated values', async () => {
      const { stdout } = await cli('--query', 'monthly_revenue');
      const [header, ...lines] = stdout.trim().split('\n');
      assert.equal(header, 'sale_month\torders\tbuyers\trevenue\tavg_order_value\trevenue_growth_pct');
      assert.deepEqual(lines.map((l) => l.split('\t')[0]), answers.monthly_revenue.map((m) => m.sale_month));
    });

    it('--list names every query; an unknown name fails listing the known ones; --param binds values', async () => {
      const { stdout } = await cli('--list');
      for (const query of listNamedQueries()) assert.match(stdout, new RegExp(`^${query.name} +${query.description.slice(0, 20).replace(/[()]/g, '.')}`, 'm'));
      await assert.rejects(cli('--query', 'no_such_query'), (error: { code: number; stderr: string }) =>
        error.code === 2 && error.stderr.includes('no named query "no_such_query"') && error.stderr.includes('monthly_revenue'));
      const { stdout: bound } = await cli('--param', 'day=2024-03-10', 'SELECT count() AS lines FROM fact_sales WHERE business_date = {day:Date}');
      assert.equal(Number(bound.trim().split('\n')[1]), await scalar(warehouse, "SELECT count() FROM fact_sales WHERE business_date = '2024-03-10'"));
    });

  });
});
