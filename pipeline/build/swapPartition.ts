/**
 * Replace one partition of a table with the staging table's, atomically for that table.
 * ClickHouse refuses to replace from an empty source (it would silently drop data), so an empty
 * staged partition is an explicit DROP. Unpartitioned tables have the one partition `all`.
 */
import type { Warehouse } from '../../clickhouse/client';
import { assertIdentifier } from '../../clickhouse/client';

const PARTITION_ID = /^(\d{6}|all)$/;

export async function swapPartition(warehouse: Warehouse, table: string, staging: string, partition: string): Promise<void> {
  assertIdentifier(table, 'table');
  assertIdentifier(staging, 'staging table');
  // Partition ids cannot be query parameters in ALTER; they are validated instead.
  if (!PARTITION_ID.test(partition)) throw new Error(`partition id ${partition} is neither YYYYMM nor all`);
  const result = await warehouse.client.query({
    query: `SELECT count() AS rows FROM ${staging} WHERE _partition_id = {partition:String}`,
    query_params: { partition },
    format: 'JSONEachRow',
  });
  const [{ rows }] = await result.json<{ rows: number | string }>();
  const statement = Number(rows) > 0
    ? `ALTER TABLE ${table} REPLACE PARTITION ID '${partition}' FROM ${staging}`
    : `ALTER TABLE ${table} DROP PARTITION ID '${partition}'`;
  await warehouse.client.command({ query: statement });
}
