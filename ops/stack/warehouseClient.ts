/**
 * A ClickHouse client for ops commands: the server when CLICKHOUSE_URL is set, else a running worker's
 * SQL gateway (chDB allows one process per data folder), else the embedded warehouse opened directly.
 * The same choice `npm run sql` makes.
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { existsSync, readFileSync } from 'node:fs';
import { openWarehouse } from '../../clickhouse/client';
import type { GatewayState } from '../../clickhouse/sqlGateway';
import { gatewayStateFile } from '../../workers/cartwheelWorker';
import { describeWarehouse, type CartwheelConfig } from '../../workers/config';

export interface OpsWarehouse {
  client: ClickHouseClient;
  close: () => Promise<void>;
  where: string;
}

export async function opsWarehouse(config: CartwheelConfig): Promise<OpsWarehouse> {
  if (!config.warehouse.url) {
    const gateway = await liveGateway(gatewayStateFile(config.pipeline.dataDir));
    if (gateway) {
      const client = createClient({ url: gateway.url, log: { level: ClickHouseLogLevel.OFF } });
      return { client, close: () => client.close(), where: `the worker's gateway at ${gateway.url}` };
    }
  }
  const warehouse = await openWarehouse(config.warehouse);
  return { client: warehouse.client, close: () => warehouse.close(), where: describeWarehouse(config.warehouse) };
}

async function liveGateway(stateFile: string): Promise<GatewayState | undefined> {
  if (!existsSync(stateFile)) return undefined;
  try {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as GatewayState;
    const response = await fetch(`${state.url}/ping`, { signal: AbortSignal.timeout(2000) });
    return response.ok ? state : undefined;
  } catch {
    return undefined; // a state file left by a worker that is gone
  }
}
