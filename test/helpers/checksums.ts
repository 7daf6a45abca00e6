/** Order-independent content checksums of warehouse tables: equal checksums, equal contents. */
import type { Warehouse } from '../../clickhouse/client';
import { STAR_TABLES, tableChecksum } from '../../ops/backup/tableChecksum';

export async function tableChecksums(warehouse: Warehouse): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const table of STAR_TABLES) {
    const { rows, checksum } = await tableChecksum(warehouse.client, table);
    sums[table] = `${rows}:${checksum}`;
  }
  return sums;
}
