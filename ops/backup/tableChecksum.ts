/** Row count and order-independent content checksum of one table (clickhouse/ops/table_checksum.sql). */
import type { ClickHouseClient } from '@clickhouse/client';
import { readSql, renderSql } from '../../clickhouse/sqlFiles';

/** The star schema's tables people query: what the replay, chaos and load tests compare. */
export const STAR_TABLES = ['dim_customer', 'dim_product', 'dim_date', 'fact_sales', 'fact_payments', 'agg_daily_sales'] as const;

export async function tableChecksum(client: ClickHouseClient, table: string): Promise<{ rows: number; checksum: string }> {
  const result = await client.query({ query: renderSql(readSql('ops/table_checksum.sql'), { table }), format: 'JSONEachRow' });
  const [row] = await result.json<{ rows: string | number; checksum: string }>();
  return { rows: Number(row.rows), checksum: row.checksum };
}
