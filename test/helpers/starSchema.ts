/**
 * Checks over the whole star schema: content checksums of every table a load writes, and the
 * proof that incrementally maintained tables equal a rebuild from scratch (see rebuildDrift).
 */
import type { Warehouse } from '../../clickhouse/client';
import { readSql, renderSql } from '../../clickhouse/sqlFiles';
import { buildAggregateStates, clearAggregateStaging } from '../../pipeline/build/aggregateStates';
import { AGGREGATES, BUILT_TABLES, CALENDAR_TABLE, type TableInput } from '../../pipeline/build/warehouseTables';
import { tableChecksum } from '../../ops/backup/tableChecksum';

/**
 * Every table a load writes (snapshots, dimensions, calendar, facts) and the aggregates as readers
 * see them (the views: final values, whatever parts the states are stored in).
 */
export const LOADED_TABLES = [...BUILT_TABLES.map((t) => t.table), CALENDAR_TABLE, ...AGGREGATES.map((a) => a.view)];

/** Order-independent content checksum per table: equal checksums, equal contents. */
export async function loadedTableChecksums(warehouse: Warehouse): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const table of LOADED_TABLES) sums[table] = await checksum(warehouse, table);
  return sums;
}

async function checksum(warehouse: Warehouse, table: string): Promise<string> {
  const { rows, checksum: sum } = await tableChecksum(warehouse.client, table);
  return `${rows}:${sum}`;
}

/**
 * Rebuild every aggregate (all the facts through the materialized views at once) and both
 * dimensions (the load's own SQL) from the warehouse's current facts and snapshots, into scratch
 * tables, and list each table whose content differs from the live one. Loads maintain these
 * tables a month at a time; an empty list proves that, after whatever sequence of loads, the
 * result is what one pass over all the data gives.
 */
export async function rebuildDrift(warehouse: Warehouse): Promise<string[]> {
  const command = (query: string, query_params?: Record<string, unknown>) => warehouse.client.command({ query, query_params });
  const drift: string[] = [];
  const scratch: string[] = [];
  try {
    const rebuiltStates = await buildAggregateStates(warehouse.client, { fact_sales: 'fact_sales', fact_payments: 'fact_payments' });
    for (const [state, rebuilt] of rebuiltStates) {
      const [live, fromScratch] = [await checksum(warehouse, state), await checksum(warehouse, rebuilt)];
      if (live !== fromScratch) drift.push(`${state}: live ${live} != rebuilt ${fromScratch}`);
    }
    await clearAggregateStaging(warehouse.client);
    for (const { table, scope, inputs } of BUILT_TABLES) {
      if (!table.startsWith('dim_')) continue;
      const identifiers: Record<string, string> = { target: `${table}__rebuilt` };
      for (const [name, input] of Object.entries(inputs)) {
        identifiers[name] = await inputTable(input, scope, command, scratch);
      }
      scratch.push(identifiers.target);
      await command(`DROP TABLE IF EXISTS ${identifiers.target}`);
      await command(`CREATE TABLE ${identifiers.target} AS ${table}`);
      // month 0 excludes no month from the live tables a whole-table build reads.
      await command(renderSql(readSql(`load/${table}.sql`), identifiers), { month: 0 });
      const [live, rebuilt] = [await checksum(warehouse, table), await checksum(warehouse, identifiers.target)];
      if (live !== rebuilt) drift.push(`${table}: live ${live} != rebuilt ${rebuilt}`);
    }
  } finally {
    for (const table of scratch) await command(`DROP TABLE IF EXISTS ${table}`);
  }
  return drift;
}

/** A month build reads the live facts (all months); a whole build reads live tables plus an empty "month being loaded". */
async function inputTable(input: TableInput, scope: 'month' | 'whole', command: (q: string) => Promise<unknown>, scratch: string[]): Promise<string> {
  if ('everyMonth' in input) return input.everyMonth;
  if (!('staged' in input)) throw new Error('aggregates and dimensions are built from tables, not raw files');
  if (scope === 'month') return input.staged;
  const empty = `${input.staged}__empty`;
  if (!scratch.includes(empty)) {
    scratch.push(empty);
    await command(`DROP TABLE IF EXISTS ${empty}`);
    await command(`CREATE TABLE ${empty} AS ${input.staged}`);
  }
  return empty;
}
