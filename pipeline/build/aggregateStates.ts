/**
 * The aggregates rebuilt outside a load, through the same materialized views: whole fact tables are
 * inserted into the views' staging facts, and the views write every month's aggregate states into
 * `<state>__load`. A restore uses it (backups hold no states: they are derived from the facts), and
 * so does the test that compares the live aggregates with a rebuild from scratch.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { assertIdentifier } from '../../clickhouse/client';
import { AGGREGATES, VIEW_STAGED_TABLES, viewStagingTable, type AggregateView } from './warehouseTables';

/** `facts`: a table shaped like each fact table (the live one, or a restore's copy). Returns each state's staging table. */
export async function buildAggregateStates(client: ClickHouseClient, facts: Record<AggregateView['facts'], string>): Promise<Map<string, string>> {
  const command = (query: string) => client.command({ query });
  for (const table of VIEW_STAGED_TABLES) {
    await command(`DROP TABLE IF EXISTS ${viewStagingTable(table)}`);
    await command(`CREATE TABLE ${viewStagingTable(table)} AS ${table}`);
  }
  for (const [table, source] of Object.entries(facts)) {
    await command(`INSERT INTO ${viewStagingTable(table)} SELECT * FROM ${assertIdentifier(source, 'fact table')}`);
  }
  return new Map(AGGREGATES.map((a) => [a.state, viewStagingTable(a.state)]));
}

/** Empty the views' staging tables again (they stay: the views name them). */
export async function clearAggregateStaging(client: ClickHouseClient): Promise<void> {
  for (const table of VIEW_STAGED_TABLES) await client.command({ query: `TRUNCATE TABLE IF EXISTS ${viewStagingTable(table)}` });
}
