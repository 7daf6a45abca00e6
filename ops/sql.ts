/**
 * `npm run --silent sql -- "SELECT ..."`: run one statement against the warehouse and print the
 * result: a readable table on a terminal, tab-separated with a header row when piped.
 *
 * Server mode (CLICKHOUSE_URL) talks to the server. Embedded mode goes through a running worker's SQL
 * gateway when there is one (chDB allows one process per data folder), else opens chDB itself.
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient, type DataFormat } from '@clickhouse/client';
import { existsSync, readFileSync } from 'node:fs';
import { openWarehouse } from '../clickhouse/client';
import type { GatewayState } from '../clickhouse/sqlGateway';
import { gatewayStateFile } from '../workers/cartwheelWorker';
import { describeWarehouse, loadConfig } from '../workers/config';

async function main(): Promise<number> {
  const statement = process.argv.slice(2).join(' ').trim();
  if (!statement) {
    console.error('usage: npm run --silent sql -- "SELECT ..."');
    return 2;
  }
  const config = loadConfig();
  const format = process.stdout.isTTY ? 'PrettyCompactMonoBlock' : 'TabSeparatedWithNames';
  const { client, close, where } = await connect(config);
  try {
    const result = await client.exec({ query: statement, clickhouse_settings: { default_format: format as DataFormat } });
    for await (const chunk of result.stream) process.stdout.write(chunk as Buffer);
    return 0;
  } catch (error) {
    const { message, type } = error as Error & { type?: string };
    console.error(message.trim());
    if (type === 'UNKNOWN_TABLE') console.error(`(asked ${where}; has a load run there? CARTWHEEL_DATA_DIR picks the data folder)`);
    return 1;
  } finally {
    await close();
  }
}

interface Connected {
  client: ClickHouseClient;
  close: () => Promise<void>;
  /** Which warehouse answered, for error hints. */
  where: string;
}

async function connect(config: ReturnType<typeof loadConfig>): Promise<Connected> {
  if (!config.warehouse.url) {
    const gateway = await liveGateway(gatewayStateFile(config.pipeline.dataDir));
    if (gateway) {
      // Errors are printed once, below; the client's own error log would repeat them.
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

main().then((code) => process.exit(code));
