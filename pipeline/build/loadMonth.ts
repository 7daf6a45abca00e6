/**
 * Rebuild the warehouse month of a business date from the staged Parquet of that month.
 *
 * 1. Raw: every staged file of the month, per source, into a raw table: the days' exports and the
 *    change batches touching the month (their rows carry a version; the fact build keeps the latest).
 * 2. Build: every table of the load (warehouseTables.ts) in a staging table shaped like its target
 *    (REPLACE PARTITION requires it): the month's snapshots and facts, both dimensions whole, and
 *    the calendar months the facts use. The aggregates are not built by statements of their own:
 *    inserting the month's facts into fact_sales__load and fact_payments__load fires the
 *    materialized views (migration 0016), which write the month's aggregate states into
 *    agg_*_state__load. Nothing visible has changed yet.
 * 3. Swap: each staging table into its target with ALTER TABLE ... REPLACE PARTITION, atomic per
 *    table, in SWAP_ORDER (each aggregate's states right after their facts).
 *
 * Failure semantics. A failure before the first swap leaves the warehouse as it was. A failure
 * between two swaps leaves the tables swapped so far with the new month and the rest with the old;
 * readers may see, for a moment or until the retry, new facts beside old aggregates. Every build
 * reads only staged files and tables of other months, never the target's own partition, so the
 * retry rebuilds the same staging tables and swaps all of them again: it converges to the state a
 * single clean load would have produced (test/pipeline/warehouse.test.ts kills a load between swaps). A
 * crash leaves scratch tables behind; the next load of the month replaces them, and every load
 * recreates the views' staging tables before it writes into them.
 *
 * Concurrency: loads run one at a time per warehouse: in one process through the queue below, across
 * worker processes through the warehouse's load lock (clickhouse/loadLock.ts). Two loads at once
 * would share the views' staging tables, and the later swap of a dimension rebuilt whole would win.
 *
 * On a cluster (clickhouse/cluster/) the month is rebuilt and swapped on its shard exactly as on one
 * node (`placement`); other months are read through the Distributed tables, and the replicated
 * tables (REPLICATED_TABLES) are copied from that shard's build to every other shard and swapped
 * there too, each swap atomic per table and shard like the rest.
 */
import { badInput } from '../../domain/failures';
import { currentWork } from '../workContext';
import type { Warehouse } from '../../clickhouse/client';
import { uploadParquet } from '../../clickhouse/parquetUpload';
import { readSql, renderSql, type QualifiedTable } from '../../clickhouse/sqlFiles';
import { SOURCE_NAMES, type SourceName } from '../../domain/contracts';
import type { DataLayout } from '../../domain/layout';
import { summariseLoad, type LoadSummary } from './loadSummary';
import { createRawTableSql, rawColumns, rawTableColumns } from './rawTables';
import { isS3 } from '../../domain/storage';
import { stagedFilesOfMonth, stagedFoldersOfMonth } from './stagedFiles';
import { asDamagedFile, verifyStagedFolders } from './stagedParquetCheck';
import { swapPartition } from './swapPartition';
import { withLoadLock } from '../../clickhouse/loadLock';
import { AGGREGATES, BUILT_TABLES, CALENDAR_TABLE, REPLICATED_TABLES, SWAP_ORDER, VIEW_STAGED_TABLES, viewStagingTable, type TableInput } from './warehouseTables';

export type { LoadSummary } from './loadSummary';

export interface LoadInput {
  businessDate: string;
}

/** Test seam: called before each table is swapped; throwing there simulates a crash between swaps. */
export interface LoadHooks {
  beforeSwap?(table: string): void | Promise<void>;
}

/** Where a month's load runs and what it reads besides: one node, or the month's shard of a cluster. */
export interface MonthPlacement {
  /** The warehouse holding the month's tables: the one node, or the month's shard. */
  home: Warehouse;
  /** Where the load lock lives (clickhouse/loadLock.ts): the one node, or the cluster's first shard. */
  lock: Warehouse;
  /** The name a build reads another month's rows of `table` by (on a cluster, its Distributed table). */
  everyMonth(table: string): string | QualifiedTable;
  /**
   * The other shards, each with a copy of the replicated tables. `copyFrom(staging)` names what
   * reads the home shard's staging build from there (a cluster() table function on that one shard).
   */
  replicas: { warehouse: Warehouse; copyFrom(staging: string): string }[];
}

/** Where loads go: a cluster places each month on its shard (clickhouse/cluster/cluster.ts). */
export interface LoadTarget {
  placement(month: number): Promise<MonthPlacement>;
}

/** One node: everything in the one warehouse. */
const singleNode = (warehouse: Warehouse): MonthPlacement => ({ home: warehouse, lock: warehouse, everyMonth: (table) => table, replicas: [] });

/**
 * Staging tables of a month's load: deterministic names, so a crashed attempt's are replaced. The
 * ones a materialized view names are permanent and have no month (see VIEW_STAGED_TABLES).
 */
const stagingTableOf = (table: string, month: number) => (VIEW_STAGED_TABLES.includes(table) ? viewStagingTable(table) : `${table}__load_${month}`);
const rawTableOf = (source: SourceName, month: number) => `raw_${source}__load_${month}`;

// One writer per process: loads must not interleave their staging tables or dimension rebuilds.
let queue: Promise<unknown> = Promise.resolve();

const QUEUED_HEARTBEAT_MS = 30_000;

export function loadMonth(target: Warehouse | LoadTarget, layout: DataLayout, input: LoadInput, hooks: LoadHooks = {}): Promise<LoadSummary> {
  // A load queued behind a long one must not miss its heartbeat timeout while it waits.
  const context = currentWork();
  const waiting = setInterval(() => context?.heartbeat({ step: 'waiting for the load before it' }), QUEUED_HEARTBEAT_MS);
  const run = queue.then(async () => {
    clearInterval(waiting);
    const placement = 'placement' in target ? await target.placement(monthOf(input.businessDate)) : singleNode(target);
    return withLoadLock(placement.lock, () => rebuildMonth(placement, layout, input, hooks));
  });
  queue = run.catch(() => undefined);
  return run;
}

async function rebuildMonth(placement: MonthPlacement, layout: DataLayout, input: LoadInput, hooks: LoadHooks): Promise<LoadSummary> {
  const warehouse = placement.home;
  const month = monthOf(input.businessDate);
  const heartbeat = (step: string) => currentWork()?.heartbeat({ month, step });
  const command = (query: string, query_params?: Record<string, unknown>) => warehouse.client.command({ query, query_params });
  const staging = (table: string) => stagingTableOf(table, month);
  const resolve = (ref: TableInput) => ('raw' in ref ? rawTableOf(ref.raw, month) : 'everyMonth' in ref ? placement.everyMonth(ref.everyMonth) : staging(ref.staged));
  const all = [...BUILT_TABLES.map((t) => t.table), CALENDAR_TABLE, ...AGGREGATES.map((a) => a.state)];
  const scratch = [...SOURCE_NAMES.map((source) => rawTableOf(source, month)), ...all.filter((t) => !VIEW_STAGED_TABLES.includes(t)).map(staging)];
  const scopeOf = (table: string) => BUILT_TABLES.find((t) => t.table === table)?.scope ?? 'month';

  // A damaged staged file (checksums recorded at staging, Parquet frame) fails the load before the
  // warehouse is touched (stagedParquetCheck.ts).
  await verifyStagedFolders((await Promise.all(SOURCE_NAMES.map((source) => stagedFoldersOfMonth(layout, source, input.businessDate)))).flat(), layout.storage, warehouse);
  const files = Object.fromEntries(await Promise.all(SOURCE_NAMES.map(async (source) => [source, await stagedFilesOfMonth(layout, source, input.businessDate)] as const)));

  try {
    // 1. Raw month: every staged file of the month (days and change batches), as is.
    for (const source of SOURCE_NAMES) {
      heartbeat(`upload ${source}`);
      const columns = rawTableColumns(source);
      await command(`DROP TABLE IF EXISTS ${rawTableOf(source, month)}`);
      await command(createRawTableSql(rawTableOf(source, month), columns));
      for (const file of files[source]) {
        await uploadParquet(warehouse, rawTableOf(source, month), rawColumns(columns), [file], isS3(file) ? layout.storage : undefined).catch((error: unknown) => {
          throw asDamagedFile(file, error);
        });
      }
    }

    // 2. Every table of the load, in staging tables; the live tables are untouched so far. The
    // views' targets first: the facts' INSERT below writes the aggregate states into them.
    for (const { state } of AGGREGATES) await recreateLike(command, staging(state), state);
    for (const { table, inputs } of BUILT_TABLES) {
      heartbeat(`build ${table}`);
      await recreateLike(command, staging(table), table);
      const identifiers = Object.fromEntries(Object.entries(inputs).map(([name, ref]) => [name, resolve(ref)]));
      await command(renderSql(readSql(`load/${table}.sql`), { ...identifiers, target: staging(table) }), { month });
    }
    await recreateLike(command, staging(CALENDAR_TABLE), CALENDAR_TABLE);
    const calendarMonths = await buildCalendar(warehouse, month, { sales: staging('fact_sales'), payments: staging('fact_payments'), target: staging(CALENDAR_TABLE) });

    // 3. Swap, table by table.
    heartbeat('swap');
    for (const table of SWAP_ORDER) {
      await hooks.beforeSwap?.(table);
      const partitions = table === CALENDAR_TABLE
        ? calendarMonths.map(String)
        : [scopeOf(table) === 'whole' ? 'all' : String(month)];
      for (const partition of partitions) await swapPartition(warehouse, table, staging(table), partition);
      if (REPLICATED_TABLES.includes(table)) {
        for (const replica of placement.replicas) await swapCopy(replica, table, staging(table), partitions);
      }
    }

    return await summariseLoad(warehouse, input.businessDate, month);
  } finally {
    for (const table of scratch) await command(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    // The views' staging tables stay (the views name them), empty.
    for (const table of VIEW_STAGED_TABLES) await command(`TRUNCATE TABLE IF EXISTS ${staging(table)}`).catch(() => undefined);
  }
}

/** A replicated table on another shard: the home shard's staging build copied there, then swapped in. */
async function swapCopy(replica: MonthPlacement['replicas'][number], table: string, staging: string, partitions: string[]): Promise<void> {
  const command = (query: string) => replica.warehouse.client.command({ query });
  await recreateLike(command, staging, table);
  try {
    await command(`INSERT INTO ${staging} SELECT * FROM ${replica.copyFrom(staging)}`);
    for (const partition of partitions) await swapPartition(replica.warehouse, table, staging, partition);
  } finally {
    await command(`DROP TABLE IF EXISTS ${staging}`).catch(() => undefined);
  }
}

/** YYYYMM of a business date: the partition a load rebuilds. */
const monthOf = (businessDate: string) => Number(businessDate.slice(0, 7).replace('-', ''));

async function recreateLike(command: (q: string) => Promise<unknown>, staging: string, target: string): Promise<void> {
  await command(`DROP TABLE IF EXISTS ${staging}`);
  await command(`CREATE TABLE ${staging} AS ${target}`);
}

/** The months dim_date can hold: the range of the engine's Date32 and DateTime64 (YYYYMM). */
export const CALENDAR_MONTHS = { first: 190001, last: 229912 } as const;

/**
 * Write into `target` (a table like dim_date) every day of the loaded month and of every month a
 * date of its facts (`sales`, `payments`: tables like the facts) falls in, whatever year; returns
 * those months as YYYYMM numbers.
 */
export async function buildCalendar(warehouse: Warehouse, month: number, tables: { sales: string; payments: string; target: string }): Promise<number[]> {
  const months = await monthsTouched(warehouse, month, tables.sales, tables.payments);
  // The engine's dates (Date32, DateTime64) hold 1900-01-01 to 2299-12-31; its date functions give
  // wrong days beyond. A fact dated outside must be refused by the contract's bounds, never shifted here.
  const outside = months.filter((m) => m < CALENDAR_MONTHS.first || m > CALENDAR_MONTHS.last);
  if (outside.length > 0) {
    throw badInput(
      `facts of ${month} name dates in months ${outside.join(', ')}, outside what the warehouse's calendar can hold (${CALENDAR_MONTHS.first} to ${CALENDAR_MONTHS.last}); narrow the contract's date bounds in the settings`,
      'DateOutsideCalendar',
    );
  }
  await warehouse.client.command({ query: renderSql(readSql(`load/${CALENDAR_TABLE}.sql`), { target: tables.target }), query_params: { months } });
  return months;
}

/** The loaded month plus every month of a date its facts use, as YYYYMM numbers. */
async function monthsTouched(warehouse: Warehouse, month: number, sales: string, payments: string): Promise<number[]> {
  const result = await warehouse.client.query({
    query: renderSql(readSql('load/months_touched.sql'), { sales, payments }),
    format: 'JSONEachRow',
  });
  const [{ months }] = await result.json<{ months: (number | string)[] }>();
  return [...new Set([month, ...months.map(Number)])].sort((a, b) => a - b);
}
