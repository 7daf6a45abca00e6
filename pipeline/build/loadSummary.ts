/** What a load reports: the business date's rows per source (for conservation) and the month's rows per table. */
import type { Warehouse } from '../../clickhouse/client';
import { SOURCE_NAMES, type SourceName } from '../../domain/contracts';
import { AGGREGATES, BUILT_TABLES, SOURCE_TABLES } from './warehouseTables';

export interface LoadSummary {
  month: number;
  /**
   * Rows of the business date per source after the swap: the day's clean input rows that reached
   * the warehouse (see SOURCE_TABLES for why customers and products count snapshots).
   */
  rowsLoaded: Record<SourceName, number>;
  /** Rows of the whole month in each month-partitioned table and each aggregate view after the swap. */
  monthRows: Record<string, number>;
}

export async function summariseLoad(warehouse: Warehouse, businessDate: string, month: number): Promise<LoadSummary> {
  const rowsLoaded = {} as Record<SourceName, number>;
  for (const source of SOURCE_NAMES) {
    rowsLoaded[source] = await count(warehouse, `SELECT count() FROM ${SOURCE_TABLES[source]} WHERE business_date = {date:Date}`, { date: businessDate });
  }
  const monthRows: Record<string, number> = {};
  for (const { table, scope } of BUILT_TABLES) {
    if (scope !== 'month') continue;
    monthRows[table] = await count(warehouse, `SELECT count() FROM ${table} WHERE _partition_id = {partition:String}`, { partition: String(month) });
  }
  for (const { view, monthColumn } of AGGREGATES) {
    monthRows[view] = await count(warehouse, `SELECT count() FROM ${view} WHERE toYYYYMM(${monthColumn}) = {month:UInt32}`, { month });
  }
  return { month, rowsLoaded, monthRows };
}

async function count(warehouse: Warehouse, query: string, query_params: Record<string, unknown>): Promise<number> {
  const result = await warehouse.client.query({ query, query_params, format: 'JSONEachRow' });
  const [row] = await result.json<Record<string, number | string>>();
  return Number(Object.values(row)[0]);
}
