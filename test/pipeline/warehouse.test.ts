/**
 * The star schema on the embedded warehouse: aggregates and dimensions after any sequence of loads,
 * reloads and replays; type-2 customers; what a crash between two swaps leaves and how the retry
 * converges. Real activities, real chDB, generated exports.
 */
import { strict as assert } from 'node:assert';
import { clearAggregateStaging } from '../../pipeline/build/aggregateStates';
import { AGGREGATES, BUILT_TABLES, CALENDAR_TABLE, SWAP_ORDER } from '../../pipeline/build/warehouseTables';
import type { Warehouse } from '../../clickhouse/client';
import { listMigrations, migrate } from '../../clickhouse/migrate';
import { splitStatements } from '../../clickhouse/sqlFiles';
import { tableChecksum } from '../../ops/backup/tableChecksum';
import { editCustomer, landedCustomers, upsertCustomer } from '../helpers/landingEdits';
import { loadDay } from '../helpers/loadDay';
import { testDataDir, type TestDataDir } from '../helpers/pipeline';
import { runDay } from '../helpers/runActivities';
import { loadedTableChecksums, rebuildDrift } from '../helpers/starSchema';
import { freshWarehouse, rows, scalar } from '../helpers/warehouse';
import { LOAD_LOCK_PREFIX } from '../../clickhouse/loadLock';

const MAR10 = '2024-03-10';
const MAR11 = '2024-03-11';
const APR01 = '2024-04-01';
const ORDERS = 150;

/** The customer who moves to Salvador on April 1st: the first one (by id) landed on both days. */
function pickMover(data: TestDataDir): string {
  const march = landedCustomers(data.layout.landingFile(MAR10, 'customers'));
  const april = landedCustomers(data.layout.landingFile(APR01, 'customers'));
  const both = [...april.keys()].filter((id) => march.has(id) && march.get(id)!.customer_state !== 'BA').sort();
  assert.ok(both.length > 0, 'the generator reuses customers across days');
  return both[0];
}

const MOVE = { customer_state: 'BA', customer_city: 'salvador', customer_zip_code_prefix: '40010' };

/** Sums and counts of every aggregate against its facts, written independently of the load SQL. */
async function aggregateTotalsMismatches(warehouse: Warehouse): Promise<string[]> {
  const [t] = await rows<Record<string, string>>(warehouse, `
    SELECT
      (SELECT toString(sum(line_total)) FROM fact_sales)                                   AS facts_revenue,
      (SELECT toString(sum(revenue)) FROM agg_daily_sales)                                  AS daily_revenue,
      (SELECT toString(sum(revenue)) FROM agg_sales_by_category_state)                      AS category_state_revenue,
      (SELECT toString(sum(revenue)) FROM agg_monthly_sales)                                AS monthly_revenue,
      (SELECT toString(sum(revenue)) FROM agg_product_monthly)                              AS product_revenue,
      (SELECT toString(sum(line_total)) FROM fact_sales WHERE customer_unique_id != '')     AS facts_people_revenue,
      (SELECT toString(sum(revenue)) FROM agg_customer_monthly)                             AS customer_revenue,
      (SELECT toString(count()) FROM fact_sales)                                            AS facts_lines,
      (SELECT toString(sum(order_lines)) FROM agg_sales_by_category_state)                  AS category_state_lines,
      (SELECT toString(uniqExact(business_date, order_id)) FROM fact_sales)                 AS facts_orders,
      (SELECT toString(sum(orders)) FROM agg_daily_sales)                                   AS daily_orders,
      (SELECT toString(sum(orders)) FROM agg_delivery)                                      AS delivery_orders,
      (SELECT toString(uniqExactIf((business_date, order_id), delivered_at IS NOT NULL)) FROM fact_sales) AS facts_delivered,
      (SELECT toString(sum(delivered_orders)) FROM agg_delivery)                            AS delivery_delivered,
      (SELECT toString(uniqExactIf((business_date, order_id), toDate(delivered_at) > toDate(estimated_delivery_at))) FROM fact_sales) AS facts_late,
      (SELECT toString(sum(late_orders)) FROM agg_delivery)                                 AS delivery_late,
      (SELECT toString(sum(amount)) FROM fact_payments)                                     AS facts_paid,
      (SELECT toString(sum(amount)) FROM agg_payment_mix)                                   AS mix_paid,
      (SELECT toString(count()) FROM fact_payments)                                         AS facts_payments,
      (SELECT toString(sum(payments)) FROM agg_payment_mix)                                 AS mix_payments`);
  const pairs: [string, string][] = [
    ['facts_revenue', 'daily_revenue'], ['facts_revenue', 'category_state_revenue'], ['facts_revenue', 'monthly_revenue'],
    ['facts_revenue', 'product_revenue'], ['facts_people_revenue', 'customer_revenue'], ['facts_lines', 'category_state_lines'],
    ['facts_orders', 'daily_orders'], ['facts_orders', 'delivery_orders'], ['facts_delivered', 'delivery_delivered'],
    ['facts_late', 'delivery_late'], ['facts_paid', 'mix_paid'], ['facts_payments', 'mix_payments'],
  ];
  return pairs.filter(([a, b]) => t[a] !== t[b]).map(([a, b]) => `${a} ${t[a]} != ${b} ${t[b]}`);
}

/** Daily sales by category and state recomputed from the facts, compared key by key. */
async function categoryStateMismatches(warehouse: Warehouse): Promise<number> {
  return scalar(warehouse, `
    SELECT count() FROM
      (SELECT business_date, sale_date, product_category AS category, customer_state AS state, count() AS lines, sum(line_total) AS revenue
       FROM fact_sales GROUP BY ALL) AS f
    FULL OUTER JOIN agg_sales_by_category_state AS a USING (business_date, sale_date, category, state)
    WHERE f.lines != a.order_lines OR f.revenue != a.revenue`);
}

async function assertConsistent(warehouse: Warehouse, step: string): Promise<void> {
  assert.deepEqual(await rebuildDrift(warehouse), [], `${step}: aggregates and dimensions equal a rebuild from scratch`);
  assert.deepEqual(await aggregateTotalsMismatches(warehouse), [], `${step}: aggregates sum to their facts`);
  assert.equal(await categoryStateMismatches(warehouse), 0, `${step}: sales by category and state match the facts`);
}

describe('star schema loads', function () {
  this.timeout(180_000);

  it('keeps every aggregate and dimension equal to its facts through loads, reloads and replays in any order', async () => {
    // A: days out of order, replays, and a reload of a month whose staged data changed.
    const a = testDataDir();
    for (const day of [MAR10, MAR11, APR01]) await a.generate(day, ORDERS);
    const mover = pickMover(a);
    editCustomer(a.layout.landingFile(APR01, 'customers'), mover, MOVE);

    let warehouse = await freshWarehouse();
    const steps: [string, () => Promise<unknown>][] = [
      ['load April 1st', () => runDay(a.settings, warehouse, APR01)],
      ['load March 11th', () => runDay(a.settings, warehouse, MAR11)],
      ['replay April 1st', () => runDay(a.settings, warehouse, APR01)],
      ['load March 10th', () => runDay(a.settings, warehouse, MAR10)],
      ['reload March 11th with a larger export', async () => {
        await a.generate(MAR11, ORDERS + 70);
        return runDay(a.settings, warehouse, MAR11);
      }],
      ['replay March 10th', () => runDay(a.settings, warehouse, MAR10)],
    ];
    let previous: Record<string, string> = {};
    for (const [step, run] of steps) {
      await run();
      await assertConsistent(warehouse, step);
      const sums = await loadedTableChecksums(warehouse);
      if (step.startsWith('replay')) assert.deepEqual(sums, previous, `${step} changes nothing`);
      previous = sums;
    }
    assert.equal(await scalar(warehouse, 'SELECT count() FROM dim_customer WHERE customer_id = {id:String}', { id: mover }), 2);

    // B: the same final exports, each loaded once in calendar order, into an empty warehouse.
    const b = testDataDir();
    await b.generate(MAR10, ORDERS);
    await b.generate(MAR11, ORDERS + 70);
    await b.generate(APR01, ORDERS);
    editCustomer(b.layout.landingFile(APR01, 'customers'), mover, MOVE);
    warehouse = await freshWarehouse();
    for (const day of [MAR10, MAR11, APR01]) await runDay(b.settings, warehouse, day);
    await assertConsistent(warehouse, 'calendar order');
    assert.deepEqual(await loadedTableChecksums(warehouse), previous, 'the warehouse depends on the staged exports, not on the order of loads');
  });

  it('opens a second dim_customer version when a customer moves, and each period\'s sales join to their version', async () => {
    const data = testDataDir();
    await data.generate(MAR10, ORDERS);
    await data.generate(APR01, ORDERS);
    const mover = pickMover(data);
    const before = landedCustomers(data.layout.landingFile(MAR10, 'customers')).get(mover)!;
    editCustomer(data.layout.landingFile(APR01, 'customers'), mover, MOVE);
    const warehouse = await freshWarehouse();
    await runDay(data.settings, warehouse, MAR10);
    await runDay(data.settings, warehouse, APR01);

    const versions = await rows<{ version: number; valid_from: string; valid_to: string; is_current: boolean; state: string; city: string; region: string }>(
      warehouse,
      'SELECT version, valid_from, valid_to, is_current, state, city, region FROM dim_customer WHERE customer_id = {id:String} ORDER BY valid_from',
      { id: mover },
    );
    assert.deepEqual(versions, [
      { version: 1, valid_from: MAR10, valid_to: APR01, is_current: false, state: before.customer_state, city: before.customer_city || 'unknown', region: versions[0].region },
      { version: 2, valid_from: APR01, valid_to: '2149-06-06', is_current: true, state: 'BA', city: 'salvador', region: 'Northeast' },
    ]);
    assert.notEqual(versions[0].region, 'unknown');

    // Point-in-time join: each of the mover's sales takes the version valid on its business date.
    const joined = await rows<{ business_date: string; version: number; state: string; lines: number | string }>(warehouse, `
      SELECT s.business_date, c.version, c.state, count() AS lines
      FROM fact_sales AS s
      ASOF LEFT JOIN dim_customer AS c ON c.customer_id = s.customer_id AND s.business_date >= c.valid_from
      WHERE s.customer_id = {id:String}
      GROUP BY s.business_date, c.version, c.state
      ORDER BY s.business_date`, { id: mover });
    assert.deepEqual(joined.map(({ business_date, version, state }) => ({ business_date, version, state })), [
      { business_date: MAR10, version: 1, state: before.customer_state },
      { business_date: APR01, version: 2, state: 'BA' },
    ]);

    // For every sale, the state on the fact is the state of the version valid on its day.
    const disagreeing = await scalar(warehouse, `
      SELECT count() FROM fact_sales AS s
      ASOF LEFT JOIN dim_customer AS c ON c.customer_id = s.customer_id AND s.business_date >= c.valid_from
      WHERE s.customer_state != if(c.customer_id = '', 'unknown', c.state)`);
    assert.equal(disagreeing, 0);

    // A customer landed unchanged on both days keeps one version; nobody has overlapping versions.
    const unchanged = await scalar(warehouse, `
      SELECT count() FROM dim_customer
      WHERE customer_id IN (SELECT customer_id FROM customer_snapshots GROUP BY customer_id
                            HAVING uniqExact(business_date) = 2 AND uniqExact(state, zip_code_prefix, city, customer_unique_id) = 1)
      GROUP BY customer_id ORDER BY count() DESC LIMIT 1`);
    assert.equal(unchanged, 1);
    assert.equal(await scalar(warehouse, `
      SELECT count() FROM (SELECT customer_id, valid_to, leadInFrame(valid_from, 1, toDate('2149-06-06'))
        OVER (PARTITION BY customer_id ORDER BY valid_from ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS next_from FROM dim_customer)
      WHERE valid_to != next_from`), 0, 'versions tile time without gaps or overlaps');
    assert.equal(await scalar(warehouse, 'SELECT count() - uniqExact(customer_id) FROM dim_customer WHERE is_current'), 0, 'one current version each');

    // Moving back opens a third version; a replay changes nothing.
    const APR02 = '2024-04-02';
    await data.generate(APR02, ORDERS);
    upsertCustomer(data.layout.landingFile(APR02, 'customers'), { ...before, updated_at: `${APR02} 09:00:00` });
    await runDay(data.settings, warehouse, APR02);
    const states = await rows<{ state: string; valid_from: string }>(warehouse, 'SELECT state, valid_from FROM dim_customer WHERE customer_id = {id:String} ORDER BY valid_from', { id: mover });
    assert.deepEqual(states, [{ state: before.customer_state, valid_from: MAR10 }, { state: 'BA', valid_from: APR01 }, { state: before.customer_state, valid_from: APR02 }]);
    const sums = await loadedTableChecksums(warehouse);
    await runDay(data.settings, warehouse, APR01);
    assert.deepEqual(await loadedTableChecksums(warehouse), sums, 'a replay opens no version');
  });

  it('a crash before the first swap changes nothing; one between two swaps leaves a documented mix, and the retry converges', async () => {
    // Staged exports v1 (in one data folder) and v2 (another) of the same day.
    const v1 = testDataDir();
    await v1.generate(MAR10, ORDERS);
    const v2 = testDataDir();
    await v2.generate(MAR10, ORDERS + 50);
    let warehouse = await freshWarehouse();
    await runDay(v2.settings, warehouse, MAR10);
    const clean = await loadedTableChecksums(warehouse);

    warehouse = await freshWarehouse();
    await runDay(v1.settings, warehouse, MAR10);
    const old = await loadedTableChecksums(warehouse);
    assert.notDeepEqual(old, clean);
    const crashBefore = (at: string) => ({ beforeSwap: (table: string) => { if (table === at) throw new Error(`worker died before swapping ${at}`); } });

    await assert.rejects(loadDay(v2.settings, warehouse, MAR10, crashBefore(SWAP_ORDER[0])), /worker died/);
    assert.deepEqual(await loadedTableChecksums(warehouse), old, 'everything is built before the first swap');

    // Debris of an attempt that died before cleaning up must not leak into the next one: a month's
    // scratch table, and rows left in the views' permanent staging tables (facts and states).
    await warehouse.client.command({ query: 'CREATE TABLE customer_snapshots__load_202403 AS customer_snapshots' });
    await warehouse.client.command({ query: 'INSERT INTO fact_sales__load SELECT * FROM fact_sales' });
    await assert.rejects(loadDay(v2.settings, warehouse, MAR10, crashBefore('fact_sales')), /worker died/);
    const mixed = await loadedTableChecksums(warehouse);
    const swapped = SWAP_ORDER.slice(0, SWAP_ORDER.indexOf('fact_sales'));
    // The checksums name an aggregate by its view, the swap by its states.
    const readAs = (table: string) => AGGREGATES.find((a) => a.state === table)?.view ?? table;
    for (const table of SWAP_ORDER) {
      const expected = swapped.includes(table) ? clean : old;
      assert.equal(mixed[readAs(table)], expected[readAs(table)], `${table} is ${swapped.includes(table) ? 'new' : 'still old'} after the crash`);
    }
    // The load lock's table stays (clickhouse/loadLock.ts): it is the lock, not a scratch table.
    assert.equal(await scalar(warehouse, "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name LIKE '%\\_\\_load\\_%' AND NOT startsWith(name, {lock:String})", { lock: LOAD_LOCK_PREFIX }), 0, 'no scratch tables left');
    assert.equal(await scalar(warehouse, "SELECT sum(total_rows) FROM system.tables WHERE database = currentDatabase() AND endsWith(name, '__load')"), 0, 'the views\' staging tables are left empty');

    await loadDay(v2.settings, warehouse, MAR10);
    assert.deepEqual(await loadedTableChecksums(warehouse), clean, 'the retry converges to a clean load');
    await assertConsistent(warehouse, 'after the retry');
  });

  it('swaps every table it builds exactly once: dimensions before facts, each aggregate after its facts', () => {
    const built = [...BUILT_TABLES.map((t) => t.table), CALENDAR_TABLE, ...AGGREGATES.map((a) => a.state)].sort();
    assert.deepEqual([...SWAP_ORDER].sort(), built);
    assert.equal(new Set(SWAP_ORDER).size, SWAP_ORDER.length);
    const position = (table: string) => SWAP_ORDER.indexOf(table);
    for (const { table, inputs } of BUILT_TABLES) {
      for (const input of Object.values(inputs)) {
        if ('staged' in input && input.staged.startsWith('fact_')) assert.ok(position(table) > position(input.staged), `${table} swaps after ${input.staged}`);
      }
    }
    for (const { state, facts } of AGGREGATES) assert.ok(position(state) > position(facts), `${state} swaps after ${facts}`);
    for (const dim of ['dim_customer', 'dim_product', CALENDAR_TABLE]) assert.ok(position(dim) < position('fact_sales'), `${dim} before the facts`);
  });

  it('builds the aggregates with materialized views on the staging facts, whatever blocks the facts arrive in', async () => {
    const data = testDataDir();
    await data.generate(MAR10, ORDERS);
    const warehouse = await freshWarehouse();
    const views = await rows<{ name: string }>(warehouse, "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MaterializedView%' ORDER BY name");
    assert.deepEqual(views.map((v) => v.name), AGGREGATES.map((a) => a.materializedView).sort());
    for (const facts of ['fact_sales', 'fact_payments']) {
      const [{ fired }] = await rows<{ fired: string[] }>(warehouse, 'SELECT arraySort(dependencies_table) AS fired FROM system.tables WHERE database = currentDatabase() AND name = {t:String}', { t: `${facts}__load` });
      assert.deepEqual(fired, AGGREGATES.filter((a) => a.facts === facts).map((a) => a.materializedView).sort(), `the views fire on ${facts}__load`);
    }
    await runDay(data.settings, warehouse, MAR10);
    await assertConsistent(warehouse, 'after a load');

    // A view aggregates one inserted block at a time, never the whole month: the same facts in four
    // INSERTs, with the lines of an order spread over them, give the same aggregates once merged.
    const bucket = 'cityHash64(order_id, {line}) % 4';
    const split = await scalar(warehouse, `SELECT countIf(buckets > 1) FROM (SELECT uniqExact(${bucket.replace('{line}', 'order_item_id')}) AS buckets FROM fact_sales GROUP BY business_date, order_id)`);
    assert.ok(split > 0, 'some orders have lines in different inserts');
    await clearAggregateStaging(warehouse.client);
    for (let part = 0; part < 4; part++) {
      for (const [table, line] of [['fact_sales', 'order_item_id'], ['fact_payments', 'payment_sequential']]) {
        await warehouse.client.command({ query: `INSERT INTO ${table}__load SELECT * FROM ${table} WHERE ${bucket.replace('{line}', line)} = {part:UInt8}`, query_params: { part } });
      }
    }
    for (const { state } of AGGREGATES) {
      assert.deepEqual(await tableChecksum(warehouse.client, `${state}__load`), await tableChecksum(warehouse.client, state), `${state} from four inserts`);
    }
    await clearAggregateStaging(warehouse.client);
  });

  it('migration 0016 turns the aggregate tables of an existing warehouse into views, rebuilt from its facts', async () => {
    const data = testDataDir();
    await data.generate(MAR10, ORDERS);
    await data.generate(APR01, ORDERS);
    const warehouse = await freshWarehouse();
    for (const day of [MAR10, APR01]) await runDay(data.settings, warehouse, day);
    const loaded = await loadedTableChecksums(warehouse);

    // The warehouse as 0015 left it: aggregate tables (stale here: empty), no views, 0016 not applied.
    const command = (query: string) => warehouse.client.command({ query });
    for (const a of AGGREGATES) {
      for (const name of [a.materializedView, a.view, a.state, `${a.state}__load`]) await command(`DROP TABLE IF EXISTS ${name}`);
    }
    for (const table of ['fact_sales__load', 'fact_payments__load']) await command(`DROP TABLE ${table}`);
    const v5 = listMigrations().find((m) => m.version === 5)!;
    for (const statement of splitStatements(v5.sql).filter((q) => /^CREATE TABLE IF NOT EXISTS agg_/.test(q))) await command(statement);
    await command('DELETE FROM schema_migrations WHERE version >= 16');
    assert.equal(await scalar(warehouse, "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = 'agg_daily_sales' AND engine = 'MergeTree'"), 1);

    assert.deepEqual(await migrate(warehouse), ['0016_aggregate_views', '0017_aggregate_views_roles']);
    assert.deepEqual(await loadedTableChecksums(warehouse), loaded, 'the aggregates are what the loads had built');
    await assertConsistent(warehouse, 'after the upgrade');
    await runDay(data.settings, warehouse, MAR10);
    assert.deepEqual(await loadedTableChecksums(warehouse), loaded, 'and a load after it changes nothing');
  });

  it('migration 0005 can be applied again after an interruption', async () => {
    const data = testDataDir();
    await data.generate(MAR10, ORDERS);
    const warehouse = await freshWarehouse();
    // 0005 recreates the star tables; the later migrations reshape some of them again (each can run twice).
    const sql = listMigrations().filter((m) => m.version >= 5 && !m.serverOnly).map((m) => m.sql).join('\n');
    const schema = () => rows(warehouse, "SELECT name, create_table_query FROM system.tables WHERE database = currentDatabase() ORDER BY name");
    const migrated = await schema();
    for (const statement of splitStatements(sql)) await warehouse.client.command({ query: statement });
    assert.deepEqual(await schema(), migrated);
    await runDay(data.settings, warehouse, MAR10);
    await assertConsistent(warehouse, 'after re-applying 0005');
  });
});
