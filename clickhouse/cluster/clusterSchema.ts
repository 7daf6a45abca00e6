/**
 * The schema of a sharded warehouse (cluster.ts): on every shard, the migrations into the shard's own
 * database and into the shared one, then the shared one's month tables and replicated tables turned
 * into Distributed tables of the same names and columns. Every step is a no-op when done, so it runs
 * at every worker start like migrate() does on one node; a new migration is applied to both databases
 * of every shard by the next start (and a new table of the star schema joins the lists in
 * pipeline/build/warehouseTables.ts).
 */
import { REPLICATED_TABLES, SHARDED_TABLES } from '../../pipeline/build/warehouseTables';
import { assertIdentifier, openWarehouse, type Warehouse, type WarehouseConfig } from '../client';
import { migrate } from '../migrate';
import { shardDatabase, singleShardCluster } from './cluster';

/** `config`: a user that may migrate (the admin), `config.cluster` the shards. Returns the migrations applied, per shard. */
export async function migrateCluster(config: WarehouseConfig): Promise<string[][]> {
  if (!config.cluster) throw new Error('migrateCluster needs a cluster configuration');
  const { name, shards } = config.cluster;
  const applied: string[][] = [];
  for (const [index, url] of shards.entries()) {
    const own = await openWarehouse({ ...config, url, database: shardDatabase(config.database), sharedFiles: false });
    const shared = await openWarehouse({ ...config, url, database: config.database, sharedFiles: false });
    try {
      applied.push([...(await migrate(own)), ...(await migrate(shared))]);
      for (const table of SHARDED_TABLES) await distribute(shared, table, name, own.database);
      for (const table of REPLICATED_TABLES) await distribute(shared, table, singleShardCluster(name, index), own.database);
    } finally {
      await own.close();
      await shared.close();
    }
  }
  return applied;
}

/** `table` of the shared database as a Distributed table over `cluster`'s `database.table`, unless it is one already. */
async function distribute(shared: Warehouse, table: string, cluster: string, database: string): Promise<void> {
  const result = await shared.client.query({
    query: 'SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = {table:String}',
    query_params: { table },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ engine: string }>();
  if (row?.engine === 'Distributed') return;
  const [t, c, d] = [assertIdentifier(table, 'table'), assertIdentifier(cluster, 'cluster'), assertIdentifier(database, 'database')];
  // Views over the table (agg_*, dim_customer_current) keep their definitions: they name it, not its engine.
  await shared.client.command({ query: `CREATE OR REPLACE TABLE ${t} AS ${d}.${t} ENGINE = Distributed(${c}, ${d}, ${t})` });
}
