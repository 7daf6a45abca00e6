/**
 * Rebuild the warehouse month of a business date from the staged Parquet of that month.
 *
 * Every table of the month is first built completely in a staging table; only then is each swapped
 * in with ALTER TABLE ... REPLACE PARTITION (atomic per table). Because the month is rebuilt from all
 * of its staged files, re-running a day, retrying this activity or replaying history never duplicates
 * a row. A crash between two swaps leaves some tables with the new month and others with the old one;
 * the retry rebuilds and swaps all of them again, which converges.
 */
import { Context } from '@temporalio/activity';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Warehouse } from '../../clickhouse/client';
import { uploadParquet } from '../../clickhouse/parquetUpload';
import { readSql, renderSql } from '../../clickhouse/sqlFiles';
import { SOURCE_NAMES, stagedColumns, type SourceName } from '../contracts';
import type { DataLayout } from '../files/layout';
import { createRawTableSql } from './rawTables';

/** Which warehouse table each source becomes, in the order their partitions are swapped. */
export const SOURCE_TABLES: readonly { source: SourceName; table: string }[] = [
  { source: 'customers', table: 'dim_customer' },
  { source: 'products', table: 'dim_product' },
  { source: 'orders', table: 'fact_sales' },
  { source: 'payments', table: 'fact_payments' },
];

export interface LoadInput {
  businessDate: string;
}

export interface LoadSummary {
  month: number;
  /** Rows of the business date in each table after the swap. */
  rowsLoaded: Record<SourceName, number>;
  /** Rows of the whole month in each table after the swap. */
  monthRows: Record<string, number>;
}

// One writer per process: loads of the same month must not interleave their staging tables.
let queue: Promise<unknown> = Promise.resolve();

export function loadMonth(warehouse: Warehouse, layout: DataLayout, input: LoadInput): Promise<LoadSummary> {
  const run = queue.then(() => rebuildMonth(warehouse, layout, input));
  queue = run.catch(() => undefined);
  return run;
}

async function rebuildMonth(warehouse: Warehouse, layout: DataLayout, input: LoadInput): Promise<LoadSummary> {
  const { client } = warehouse;
  const month = Number(input.businessDate.slice(0, 7).replace('-', ''));
  const heartbeat = (step: string) => Context.current().heartbeat({ month, step });
  const command = (query: string, query_params?: Record<string, unknown>) => client.command({ query, query_params });
  const stagingOf = (table: string) => `${table}__staging_${month}`;
  const rawOf = (source: SourceName) => `raw_${source}__staging_${month}`;
  const scratch = [
    ...SOURCE_NAMES.map(rawOf),
    ...[...SOURCE_TABLES.map((t) => t.table), 'dim_date', 'agg_daily_sales'].map(stagingOf),
  ];

  try {
    // 1. Raw month: every staged file of the month, as is.
    for (const source of SOURCE_NAMES) {
      heartbeat(`upload ${source}`);
      const columns = stagedColumns(source);
      await command(`DROP TABLE IF EXISTS ${rawOf(source)}`);
      await command(createRawTableSql(rawOf(source), columns));
      await uploadParquet(warehouse, rawOf(source), columns.map((c) => c.name), stagedFilesOfMonth(layout, source, input.businessDate));
    }

    // 2. Staging tables shaped exactly like their targets (REPLACE PARTITION requires it).
    for (const { source, table } of SOURCE_TABLES) {
      heartbeat(`build ${table}`);
      await recreateLike(command, stagingOf(table), table);
      await command(renderSql(readSql(`load/${table}.sql`), { target: stagingOf(table), source: rawOf(source) }));
    }
    await recreateLike(command, stagingOf('agg_daily_sales'), 'agg_daily_sales');
    await command(renderSql(readSql('load/agg_daily_sales.sql'), { target: stagingOf('agg_daily_sales'), source: stagingOf('fact_sales') }));

    const touched = await client.query({
      query: renderSql(readSql('load/months_touched.sql'), { source: stagingOf('fact_sales') }),
      format: 'JSONEachRow',
    });
    const [{ months: factMonths }] = await touched.json<{ months: (number | string)[] }>();
    const calendarMonths = [...new Set([month, ...factMonths.map(Number)])].sort();
    await recreateLike(command, stagingOf('dim_date'), 'dim_date');
    await command(renderSql(readSql('load/dim_date.sql'), { target: stagingOf('dim_date') }), { months: calendarMonths });

    // 3. Swap: dimensions first so facts never point at a dimension month that is not there yet.
    heartbeat('swap');
    for (const calendarMonth of calendarMonths) await swapPartition(warehouse, 'dim_date', stagingOf('dim_date'), calendarMonth);
    for (const { table } of SOURCE_TABLES) await swapPartition(warehouse, table, stagingOf(table), month);
    await swapPartition(warehouse, 'agg_daily_sales', stagingOf('agg_daily_sales'), month);

    return await summarise(warehouse, input.businessDate, month);
  } finally {
    for (const table of scratch) await command(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  }
}

function stagedFilesOfMonth(layout: DataLayout, source: SourceName, businessDate: string): string[] {
  const dir = layout.stagingMonthDir(source, businessDate);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.parquet'))
    .sort()
    .map((name) => path.join(dir, name));
}

async function recreateLike(command: (q: string) => Promise<unknown>, staging: string, target: string): Promise<void> {
  await command(`DROP TABLE IF EXISTS ${staging}`);
  await command(`CREATE TABLE ${staging} AS ${target}`);
}

/**
 * Replace one partition of `table` with the staging table's. ClickHouse refuses to replace from an
 * empty source (it would silently drop data), so an empty staged month is an explicit DROP.
 */
async function swapPartition(warehouse: Warehouse, table: string, staging: string, month: number): Promise<void> {
  const partition = String(month);
  if (!/^\d{6}$/.test(partition)) throw new Error(`partition id ${partition} is not YYYYMM`);
  const result = await warehouse.client.query({
    query: `SELECT count() AS rows FROM ${staging} WHERE _partition_id = {partition:String}`,
    query_params: { partition },
    format: 'JSONEachRow',
  });
  const [{ rows }] = await result.json<{ rows: number | string }>();
  const statement = Number(rows) > 0
    ? `ALTER TABLE ${table} REPLACE PARTITION ID '${partition}' FROM ${staging}`
    : `ALTER TABLE ${table} DROP PARTITION ID '${partition}'`;
  await warehouse.client.command({ query: statement });
}

async function summarise(warehouse: Warehouse, businessDate: string, month: number): Promise<LoadSummary> {
  const rowsLoaded = {} as Record<SourceName, number>;
  const monthRows: Record<string, number> = {};
  for (const { source, table } of SOURCE_TABLES) {
    const result = await warehouse.client.query({
      query: `SELECT countIf(business_date = {date:Date}) AS day, count() AS month FROM ${table} WHERE toYYYYMM(business_date) = {month:UInt32}`,
      query_params: { date: businessDate, month },
      format: 'JSONEachRow',
    });
    const [counts] = await result.json<{ day: number | string; month: number | string }>();
    rowsLoaded[source] = Number(counts.day);
    monthRows[table] = Number(counts.month);
  }
  return { month, rowsLoaded, monthRows };
}
