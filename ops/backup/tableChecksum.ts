/**
 * Row count and order-independent content checksum of one table (clickhouse/ops/table_checksum*.sql).
 *
 * Version 3 (written by new backups) checksums a table that collapses rows in merges
 * (ReplacingMergeTree and kin) over FINAL, its logical rows: a background merge of two versions of a
 * row, or an insert that collapses them, does not change it. Versions 1 and 2 hash the stored rows and
 * are kept to verify older backups. A table of aggregate states (AggregatingMergeTree, the aggregates'
 * agg_*_state) is checksummed over FINAL with each state finalized: two tables that merged the same
 * rows in a different order hold different bytes but the same values.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { assertIdentifier } from '../../clickhouse/client';
import { readSql, renderSql } from '../../clickhouse/sqlFiles';

/** The star schema's tables people query: what the replay, chaos and load tests compare. */
export const STAR_TABLES = ['dim_customer', 'dim_product', 'dim_date', 'fact_sales', 'fact_payments', 'agg_daily_sales'] as const;

/** The checksum written into new backup manifests; versions 1 and 2 are kept to verify older backups. */
export const CHECKSUM_VERSION = 3;
export type ChecksumVersion = 1 | 2 | 3;

/** Engines whose merges collapse rows: their logical content is what SELECT ... FINAL returns. */
const COLLAPSING = /^(Replicated)?(Replacing|Collapsing|VersionedCollapsing|Summing|Aggregating|Coalescing)MergeTree$/;

export async function tableChecksum(client: ClickHouseClient, table: string, version: ChecksumVersion = CHECKSUM_VERSION): Promise<{ rows: number; checksum: string }> {
  const engine = version === 1 ? '' : await tableEngine(client, table);
  const query = /AggregatingMergeTree$/.test(engine) ? await finalizedChecksumSql(client, table)
    : renderSql(readSql(version === 1 ? 'ops/table_checksum_v1.sql' : version === 3 && COLLAPSING.test(engine) ? 'ops/table_checksum_final.sql' : 'ops/table_checksum.sql'), { table });
  const result = await client.query({ query, format: 'JSONEachRow' });
  const [row] = await result.json<{ rows: string | number; checksum: string }>();
  return { rows: Number(row.rows), checksum: row.checksum };
}

async function tableEngine(client: ClickHouseClient, table: string): Promise<string> {
  const result = await client.query({ query: readSql('ops/table_engine.sql'), query_params: { table }, format: 'JSONEachRow' });
  const [row] = await result.json<{ engine: string }>();
  if (!row) throw new Error(`table ${table} does not exist in the warehouse`);
  return row.engine;
}

/** table_checksum_final.sql with every AggregateFunction column finalized (the column list comes from the table). */
async function finalizedChecksumSql(client: ClickHouseClient, table: string): Promise<string> {
  const result = await client.query({ query: readSql('ops/table_columns.sql'), query_params: { table }, format: 'JSONEachRow' });
  const columns = (await result.json<{ name: string; type: string }>()).map(({ name, type }) =>
    (type.startsWith('AggregateFunction(') ? `finalizeAggregation(${assertIdentifier(name, 'column')})` : assertIdentifier(name, 'column')));
  return `SELECT count() AS rows, toString(sum(cityHash64(tuple(${columns.join(', ')})))) AS checksum FROM ${assertIdentifier(table, 'table')} FINAL`;
}
