/** Order-independent content checksums of warehouse tables: equal checksums, equal contents. */
import type { Warehouse } from '../../clickhouse/client';
import { rows } from './warehouse';

export const STAR_TABLES = ['dim_customer', 'dim_product', 'dim_date', 'fact_sales', 'fact_payments', 'agg_daily_sales'] as const;

export async function tableChecksums(warehouse: Warehouse): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const table of STAR_TABLES) {
    const [row] = await rows<{ rows: string | number; checksum: string | number }>(
      warehouse,
      `SELECT count() AS rows, toString(groupBitXor(cityHash64(*))) AS checksum FROM ${table}`,
    );
    sums[table] = `${row.rows}:${row.checksum}`;
  }
  return sums;
}
