/**
 * A ClickHouse client for ops commands, as one of the warehouse's users: the server named by
 * CLICKHOUSE_URL (with CLICKHOUSE_USER / CLICKHOUSE_PASSWORD), else the data folder's chDB server,
 * the one running (beside npm start or a worker) or one started for this command and stopped after.
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { openWarehouse } from '../../clickhouse/client';
import type { ServerUser } from '../../clickhouse/server/credentials';
import { localServer } from '../../clickhouse/server/localServer';
import { describeWarehouse, type CartwheelConfig } from '../../workers/config';

export interface OpsWarehouse {
  client: ClickHouseClient;
  close: () => Promise<void>;
  where: string;
}

/** `user` picks the chDB server's user; with CLICKHOUSE_URL the configured credentials are used. */
export async function opsWarehouse(config: CartwheelConfig, user: ServerUser = 'loader'): Promise<OpsWarehouse> {
  if (config.warehouse.url) {
    const warehouse = await openWarehouse(config.warehouse);
    return { client: warehouse.client, close: () => warehouse.close(), where: describeWarehouse(config.warehouse) };
  }
  const local = await localServer(config.localServer);
  try {
    const warehouseConfig = local.config(user);
    // The command reports a refused or failed statement itself; the client's own log would repeat it.
    const client = createClient({ ...local.server.as(user), database: warehouseConfig.database, log: { level: ClickHouseLogLevel.OFF } });
    return {
      client,
      close: async () => {
        await client.close();
        await local.release();
      },
      where: describeWarehouse(warehouseConfig),
    };
  } catch (error) {
    await local.release();
    throw error;
  }
}
