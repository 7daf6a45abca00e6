/**
 * `npm run --silent sql`: run one statement against the warehouse and print the result: a readable
 * table on a terminal, tab-separated with a header row when piped.
 *
 *   npm run --silent sql -- "SELECT ..."                   free SQL
 *   npm run --silent sql -- --query monthly_revenue        a named query (clickhouse/queries/*.sql)
 *   npm run --silent sql -- --list                         the named queries and what they answer
 *   npm run --silent sql -- --param day=2024-03-10 "SELECT ... WHERE sale_date = {day:Date}"
 *   npm run --silent sql < report.sql                      the statement from standard input
 *   npm run --silent sql -- --migrate                      apply pending migrations (as admin; deployments
 *                                                          run it once as a user that may create roles)
 *   npm run --silent sql -- --user loader "SELECT ..."     another user of the data folder's server
 *   npm run --silent sql -- --credentials                  print the server's address, users and passwords
 *
 * Without CLICKHOUSE_URL it talks to the data folder's chDB server (the one beside npm start or a
 * worker, else one started for this command) as the read-only `analyst`; with CLICKHOUSE_URL, to
 * that server as CLICKHOUSE_USER.
 */
import type { DataFormat } from '@clickhouse/client';
import { parseArgs } from 'node:util';
import { openWarehouse } from '../clickhouse/client';
import { credentialsFile, loadOrCreateCredentials, type ServerUser } from '../clickhouse/server/credentials';
import { localServer, localServerHome } from '../clickhouse/server/localServer';
import { runningChdbServer } from '../clickhouse/server/server';
import { migrate } from '../clickhouse/migrate';
import { listNamedQueries, namedQuery } from '../clickhouse/namedQueries';
import { describeWarehouse, loadConfig } from '../workers/config';
import { opsWarehouse } from './stack/warehouseClient';
import { shortSqlError } from './sqlErrors';

const USAGE = 'usage: npm run --silent sql -- [--user analyst|loader|admin] [--param name=value ...] ("SELECT ..." | --query NAME | --list | --migrate | --credentials)';
const USERS = ['analyst', 'loader', 'admin'] as const;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      query: { type: 'string' }, list: { type: 'boolean' }, migrate: { type: 'boolean' }, param: { type: 'string', multiple: true }, help: { type: 'boolean' },
      user: { type: 'string' }, credentials: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.list) {
    for (const query of listNamedQueries()) console.log(`${query.name.padEnd(28)}${query.description}`);
    return 0;
  }
  const user = (values.user ?? 'analyst') as ServerUser;
  if (!USERS.includes(user)) {
    console.error(`--user ${values.user}: one of ${USERS.join(', ')}`);
    return 2;
  }
  if (values.migrate) return migrateWarehouse();
  if (values.credentials) return printCredentials();
  const queryParams: Record<string, string> = {};
  for (const pair of values.param ?? []) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (!match) {
      console.error(`--param ${pair}: expected name=value`);
      return 2;
    }
    queryParams[match[1]] = match[2];
  }
  let statement: string;
  try {
    statement = values.query ? namedQuery(values.query).sql : positionals.join(' ').trim() || (await standardInput());
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (!statement) {
    console.error(USAGE);
    return 2;
  }

  const config = loadConfig();
  const format = process.stdout.isTTY ? 'PrettyCompactMonoBlock' : 'TabSeparatedWithNames';
  const { client, close, where } = await opsWarehouse(config, user);
  try {
    const result = await client.exec({ query: statement, query_params: queryParams, clickhouse_settings: { default_format: format as DataFormat } });
    for await (const chunk of result.stream) process.stdout.write(chunk as Buffer);
    return 0;
  } catch (error) {
    const { message, type } = error as Error & { type?: string };
    console.error(shortSqlError({ message, type }));
    if (type === 'UNKNOWN_TABLE' || type === 'UNKNOWN_DATABASE') console.error(`(asked ${where}; has a load run there? CARTWHEEL_DATA_DIR picks the data folder)`);
    return 1;
  } finally {
    await close();
  }
}

/** Apply pending migrations, as the admin of the data folder's server or as CLICKHOUSE_USER. */
async function migrateWarehouse(): Promise<number> {
  const config = loadConfig();
  const local = config.warehouse.url ? undefined : await localServer(config.localServer);
  const warehouseConfig = local ? local.config('admin') : config.warehouse;
  try {
    const warehouse = await openWarehouse(warehouseConfig);
    try {
      const applied = await migrate(warehouse);
      console.log(applied.length > 0 ? `applied ${applied.join(', ')} to ${describeWarehouse(warehouseConfig)}` : `${describeWarehouse(warehouseConfig)} is up to date`);
      return 0;
    } finally {
      await warehouse.close();
    }
  } catch (error) {
    console.error(`migration failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await local?.release();
  }
}

/** On request only: how to connect a SQL client to the data folder's server, passwords included. */
async function printCredentials(): Promise<number> {
  const config = loadConfig();
  if (config.warehouse.url) {
    console.error('CLICKHOUSE_URL names the warehouse: its credentials are the deployment\'s (CLICKHOUSE_USER / CLICKHOUSE_PASSWORD)');
    return 2;
  }
  const home = localServerHome(config.pipeline.dataDir);
  const credentials = loadOrCreateCredentials(home);
  const server = await runningChdbServer(home);
  const http = server?.httpPort ?? config.localServer.httpPort;
  const tcp = server?.tcpPort ?? config.localServer.tcpPort;
  console.log(`host 127.0.0.1, HTTP port ${http}, native port ${tcp}, database ${config.localServer.database}${server ? '' : ' (not running now)'}`);
  console.log(`passwords file: ${credentialsFile(home)}`);
  for (const name of USERS) console.log(`${name.padEnd(8)} ${credentials[name]}`);
  return 0;
}

/** The statement piped in, or '' when standard input is a terminal. */
async function standardInput(): Promise<string> {
  if (process.stdin.isTTY) return '';
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.trim().replace(/;\s*$/, '');
}

main().then((code) => process.exit(code));
