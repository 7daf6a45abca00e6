/** Row count and order-independent content checksum of one table (clickhouse/ops/table_checksum.sql). */
import type { ClickHouseClient } from '@clickhouse/client';
import { readSql, renderSql } from '../../clickhouse/sqlFiles';

/** The star schema's tables people query: what the replay, chaos and load tests compare. */
export const STAR_TABLES = ['dim_customer', 'dim_product', 'dim_date', 'fact_sales', 'fact_payments', 'agg_daily_sales'] as const;

/** The checksum written into new backup manifests; version 1 is kept to verify older backups. */
export const CHECKSUM_VERSION = 2;

export async function tableChecksum(client: ClickHouseClient, table: string, version: 1 | 2 = CHECKSUM_VERSION): Promise<{ rows: number; checksum: string }> {
  const sql = version === 1 ? 'ops/table_checksum_v1.sql' : 'ops/table_checksum.sql';
  const result = await client.query({ query: renderSql(readSql(sql), { table }), format: 'JSONEachRow' });
  const [row] = await result.json<{ rows: string | number; checksum: string }>();
  return { rows: Number(row.rows), checksum: row.checksum };
}
