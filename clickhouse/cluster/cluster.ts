/**
 * A sharded warehouse: ClickHouse servers named in one `<remote_servers>` cluster, the same tables as
 * one node. Each shard has two databases:
 *
 *   <database>_shard   the shard's own tables, migrated exactly like a single node's; a month's load
 *                      runs here, on the month's shard, unchanged (pipeline/build/loadMonth.ts)
 *   <database>         what analysts, workers and the named queries use: the same table names, each
 *                      month table and aggregate state a Distributed table over every shard's
 *                      (SHARDED_TABLES), each replicated table one over this shard's own copy
 *                      (REPLICATED_TABLES); views (agg_*, dim_customer_current) merge through them.
 *                      The pipeline's own records (runs, landings, quality trends, audit) are plain
 *                      tables here, on the shard the workers' CLICKHOUSE_URL names.
 *
 * Shard key: a month lives on one shard, `cityHash64(toUInt32(YYYYMM)) % shards` (ask any shard:
 * `SELECT cityHash64(toUInt32(202403)) % 2`). The month rebuild and its REPLACE PARTITION swaps stay
 * on that shard, atomic per table as on one node, and a rebuild reads only staged files and other
 * months, so it stays idempotent. Spreading a month's rows by key would need a swap per shard per
 * table, with readers seeing one shard's new month beside another's old one.
 */
import { assertIdentifier, openWarehouse, type Warehouse, type WarehouseConfig } from '../client';
import type { LoadTarget, MonthPlacement } from '../../pipeline/build/loadMonth';
import { QualifiedTable } from '../sqlFiles';

export const shardDatabase = (database: string) => `${database}_shard`;

/** The one-shard cluster of shard `index` (0-based): what a copy reads from, and what a replicated table reads. */
export const singleShardCluster = (cluster: string, index: number) => `${cluster}_shard_${index + 1}`;

export interface ClusterWarehouse extends LoadTarget {
  name: string;
  /** Each shard's own database (<database>_shard), in the cluster's shard order. */
  shards: Warehouse[];
  close(): Promise<void>;
}

/** Every shard's own database, as the configured user (the loader): where the month loads run. */
export async function openCluster(config: WarehouseConfig): Promise<ClusterWarehouse> {
  if (!config.cluster) throw new Error('openCluster needs a cluster configuration (CLICKHOUSE_CLUSTER, CLICKHOUSE_SHARDS)');
  const { name, shards: urls } = config.cluster;
  assertIdentifier(name, 'CLICKHOUSE_CLUSTER');
  const ownDatabase = shardDatabase(config.database);
  const shards: Warehouse[] = [];
  try {
    for (const url of urls) shards.push(await openWarehouse({ ...config, url, database: ownDatabase, sharedFiles: false }));
  } catch (error) {
    for (const shard of shards) await shard.close();
    throw error;
  }
  return {
    name,
    shards,
    async placement(month: number): Promise<MonthPlacement> {
      const home = await shardOfMonth(shards[0], month, shards.length);
      return {
        home: shards[home],
        // The load lock lives on the first shard, whichever shard a worker's CLICKHOUSE_URL names.
        lock: shards[0],
        everyMonth: (table) => new QualifiedTable(config.database, table),
        replicas: shards.flatMap((warehouse, index) => (index === home ? [] : [{
          warehouse,
          copyFrom: (staging: string) => `cluster('${singleShardCluster(name, home)}', '${ownDatabase}', '${assertIdentifier(staging, 'staging table')}')`,
        }])),
      };
    },
    async close() {
      for (const shard of shards) await shard.close();
    },
  };
}

/** The shard a month lives on (0-based), computed by the engine so that anyone can ask it in SQL. */
export async function shardOfMonth(warehouse: Warehouse, month: number, shards: number): Promise<number> {
  const result = await warehouse.client.query({
    query: 'SELECT cityHash64(toUInt32({month:UInt32})) % {shards:UInt32} AS shard',
    query_params: { month, shards },
    format: 'JSONEachRow',
  });
  const [{ shard }] = await result.json<{ shard: number | string }>();
  return Number(shard);
}
