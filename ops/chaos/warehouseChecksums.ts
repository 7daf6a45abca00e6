/**
 * Order-independent content checksums of the star tables, read from the ClickHouse server a worker
 * uses (the data folder's chDB server). Equal sums, equal tables.
 */
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { STAR_TABLES, tableChecksum } from '../backup/tableChecksum';

export type Checksums = Record<string, { rows: number; checksum: string }>;

export interface WarehouseConnection {
  url: string;
  username: string;
  password: string;
  database: string;
}

export async function starChecksums(warehouse: WarehouseConnection): Promise<Checksums> {
  const client = createClient({ ...warehouse, log: { level: ClickHouseLogLevel.OFF } });
  try {
    const sums: Checksums = {};
    for (const table of STAR_TABLES) {
      sums[table] = await tableChecksum(client, table);
    }
    return sums;
  } finally {
    await client.close();
  }
}

/** Tables whose contents differ, and how many rows the faulted run lacks against the reference. */
export function compareChecksums(reference: Checksums, faulted: Checksums): { differing: string[]; rowsLost: number } {
  const differing = STAR_TABLES.filter((t) => reference[t].rows !== faulted[t].rows || reference[t].checksum !== faulted[t].checksum);
  const rowsLost = STAR_TABLES.reduce((sum, t) => sum + Math.max(0, reference[t].rows - faulted[t].rows), 0);
  return { differing, rowsLost };
}
