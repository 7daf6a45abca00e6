/** Order-independent content checksums of warehouse tables: equal checksums, equal contents. */
import type { Warehouse } from '../../clickhouse/client';
import { tableChecksum } from '../../ops/backup/tableChecksum';

export const STAR_TABLES = ['dim_customer', 'dim_product', 'dim_date', 'fact_sales', 'fact_payments', 'agg_daily_sales'] as const;

export async function tableChecksums(warehouse: Warehouse): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const table of STAR_TABLES) {
    const { rows, checksum } = await tableChecksum(warehouse.client, table);
    sums[table] = `${rows}:${checksum}`;
  }
  return sums;
}
