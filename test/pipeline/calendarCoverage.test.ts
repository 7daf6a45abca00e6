/**
 * dim_date covers every date a fact can hold. The calendar build of a load (buildCalendar, the one
 * loadMonth uses) over facts at the extremes a fact column can hold (timestamps from 1900 to 2299,
 * dates from 1970 to 2149) covers every date they name, each a real day of its own year: Date
 * wrapped them (9999-12-31 became 2105-01-05, 2299 became 2120, 1900 became 1970); a date beyond
 * the engine's range is refused, not shifted. And a whole day whose facts
 * reference the extremes the contracts accept by default loads with every fact date in dim_date.
 */
import { strict as assert } from 'node:assert';
import { buildCalendar } from '../../pipeline/build/loadMonth';
import type { Warehouse } from '../../clickhouse/client';
import { cleanExport, writeExport } from '../helpers/craftedExport';
import { testDataDir } from '../helpers/pipeline';
import { runDay } from '../helpers/runActivities';
import { freshWarehouse, rows } from '../helpers/warehouse';

const DAY = '1970-01-01';

/** The tables the facts and the calendar are read from (the warehouse's, or scratch copies). */
interface Tables { sales: string; payments: string; calendar: string }
const WAREHOUSE: Tables = { sales: 'fact_sales', payments: 'fact_payments', calendar: 'dim_date' };

/** Every date a fact column names that dim_date lacks, per column. */
async function datesOutsideCalendar(warehouse: Warehouse, { sales, payments, calendar }: Tables = WAREHOUSE): Promise<Record<string, string[]>> {
  const columns: Record<string, string> = {
    'fact_sales.business_date': `SELECT toDate32(business_date) AS d FROM ${sales}`,
    'fact_sales.sale_date': `SELECT toDate32(sale_date) AS d FROM ${sales}`,
    'fact_sales.approved_at': `SELECT toDate32(assumeNotNull(approved_at)) AS d FROM ${sales} WHERE approved_at IS NOT NULL`,
    'fact_sales.delivered_at': `SELECT toDate32(assumeNotNull(delivered_at)) AS d FROM ${sales} WHERE delivered_at IS NOT NULL`,
    'fact_sales.estimated_delivery_at': `SELECT toDate32(assumeNotNull(estimated_delivery_at)) AS d FROM ${sales} WHERE estimated_delivery_at IS NOT NULL`,
    'fact_payments.business_date': `SELECT toDate32(business_date) AS d FROM ${payments}`,
  };
  const outside: Record<string, string[]> = {};
  for (const [column, query] of Object.entries(columns)) {
    const missing = await rows<{ d: string }>(warehouse, `SELECT DISTINCT toString(f.d) AS d FROM (${query}) AS f WHERE f.d NOT IN (SELECT toDate32(date) FROM ${calendar}) ORDER BY d`);
    if (missing.length > 0) outside[column] = missing.map((m) => m.d);
  }
  return outside;
}

describe('dim_date covers every date a fact can hold', function () {
  this.timeout(180_000);

  it('the calendar build covers facts from 1900 to 2299, each date a real day of its own year, and refuses dates beyond', async () => {
    const warehouse = await freshWarehouse();
    const scratch: Tables = { sales: 'calendar_test_sales', payments: 'calendar_test_payments', calendar: 'calendar_test_dim_date' };
    for (const [copy, of] of [[scratch.sales, 'fact_sales'], [scratch.payments, 'fact_payments'], [scratch.calendar, 'dim_date']]) {
      await warehouse.client.command({ query: `DROP TABLE IF EXISTS ${copy}` });
      await warehouse.client.command({ query: `CREATE TABLE ${copy} AS ${of}` });
    }
    // The extremes each fact column can hold: DateTime64 timestamps 1900-01-01 to 2299-12-31 (the
    // engine's range), Date 1970-01-01 to 2149-06-06.
    await warehouse.client.command({ query: `INSERT INTO ${scratch.sales} (business_date, sale_date, order_id, purchased_at, approved_at, delivered_at, estimated_delivery_at) VALUES
      ('1970-01-01', '1970-01-01', 'a', '1970-01-01 00:00:00', '1900-01-01 00:00:00', '2149-06-07 00:00:00', '2299-12-31 23:59:59.999'),
      ('1970-01-01', '2149-06-06', 'b', '2149-06-06 12:00:00', NULL, '2200-06-15 12:00:00', '2299-12-01 00:00:00')` });
    await warehouse.client.command({ query: `INSERT INTO ${scratch.payments} (business_date, order_id) VALUES ('1970-01-01', 'a')` });

    const months = await buildCalendar(warehouse, 197001, { sales: scratch.sales, payments: scratch.payments, target: scratch.calendar });
    assert.deepEqual(months, [190001, 197001, 214906, 220006, 229912]);
    assert.deepEqual(await datesOutsideCalendar(warehouse, scratch), {});
    const days = await rows<{ date: string; year: number; month: number; is_month_end: boolean; week_start: string }>(warehouse,
      `SELECT toString(date) AS date, year, month, is_month_end, toString(week_start) AS week_start FROM ${scratch.calendar}
       WHERE date IN ('1900-01-01', '2149-06-07', '2200-06-15', '2299-12-31') ORDER BY date`);
    assert.deepEqual(days.map((d) => [d.date, Number(d.year), Number(d.month), Boolean(d.is_month_end), d.week_start]), [
      ['1900-01-01', 1900, 1, false, '1900-01-01'],
      ['2149-06-07', 2149, 6, false, '2149-06-02'],
      ['2200-06-15', 2200, 6, false, '2200-06-09'],
      ['2299-12-31', 2299, 12, true, '2299-12-25'],
    ]);
    assert.equal(await rows(warehouse, `SELECT 1 FROM ${scratch.calendar} WHERE year_month = 229912`).then((r) => r.length), 31, 'December 2299 whole');

    // Beyond the engine's range a date would come out as another day: the build refuses, naming the month.
    await warehouse.client.command({ query: `INSERT INTO ${scratch.sales} (business_date, sale_date, order_id, purchased_at, estimated_delivery_at) VALUES ('1970-01-01', '1970-01-01', 'c', '1970-01-01 00:00:00', '9999-12-31 00:00:00')` });
    await assert.rejects(buildCalendar(warehouse, 197001, { sales: scratch.sales, payments: scratch.payments, target: scratch.calendar }),
      /facts of 197001 name dates in months 999912, outside what the warehouse's calendar can hold \(190001 to 229912\)/);
    for (const table of Object.values(scratch)) await warehouse.client.command({ query: `DROP TABLE IF EXISTS ${table}` });
  });

  it('a day whose facts reference the extremes the contracts accept (1970-01-01, 2099-12-31) loads, and every fact date joins dim_date', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    const exported = cleanExport(DAY);
    exported.customers.forEach((c) => { c.updated_at = `${DAY} 00:00:00`; });
    exported.products.forEach((p) => { p.updated_at = `${DAY} 00:00:00`; });
    const [first, second, third] = exported.orders;
    first.order_purchase_timestamp = `${DAY} 00:00:00`;
    first.order_approved_at = `${DAY} 00:00:00`;
    second.order_delivered_customer_date = '2099-12-31 12:00:00';
    second.order_estimated_delivery_date = '2099-12-20 00:00:00';
    third.order_estimated_delivery_date = '2099-12-31 23:59:59';
    writeExport(data.layout.landingDir(DAY), exported);

    const { ingested, transformed, loaded } = await runDay(data.settings, warehouse, DAY);
    const setAside = ingested.find((s) => s.source === 'orders')!.rowsQuarantined + transformed.find((s) => s.source === 'orders')!.rowsQuarantined;
    assert.equal(setAside, 0, 'every order line loads');
    assert.ok(loaded, 'the day loaded');
    const extremes = await rows<{ low: string; delivered: string; estimated: string }>(warehouse, `
      SELECT toString(min(toDate32(sale_date))) AS low, toString(max(toDate32(assumeNotNull(delivered_at)))) AS delivered,
             toString(max(toDate32(assumeNotNull(estimated_delivery_at)))) AS estimated FROM fact_sales`);
    assert.deepEqual(extremes, [{ low: DAY, delivered: '2099-12-31', estimated: '2099-12-31' }], 'the facts hold the extremes as exported');
    assert.deepEqual(await datesOutsideCalendar(warehouse), {});

  });
});
