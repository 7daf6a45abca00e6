/**
 * `npm run --silent sql`: run one statement against the warehouse and print the result: a readable
 * table on a terminal, tab-separated with a header row when piped.
 *
 *   npm run --silent sql -- "SELECT ..."                   free SQL
 *   npm run --silent sql -- --query monthly_revenue        a named query (clickhouse/queries/*.sql)
 *   npm run --silent sql -- --list                         the named queries and what they answer
 *   npm run --silent sql -- --param day=2024-03-10 "SELECT ... WHERE sale_date = {day:Date}"
 *   npm run --silent sql < report.sql                      the statement from standard input
 *   npm run --silent sql -- --migrate                      apply pending migrations (deployments run it
 *                                                          once as a user that may create roles)
 *
 * Server mode (CLICKHOUSE_URL) talks to the server. Embedded mode goes through a running worker's SQL
 * gateway when there is one (chDB allows one process per data folder), else opens chDB itself.
 */
import type { DataFormat } from '@clickhouse/client';
import { parseArgs } from 'node:util';
import { openWarehouse } from '../clickhouse/client';
import { migrate } from '../clickhouse/migrate';
import { listNamedQueries, namedQuery } from '../clickhouse/namedQueries';
import { describeWarehouse, loadConfig } from '../workers/config';
import { opsWarehouse } from './stack/warehouseClient';

const USAGE = 'usage: npm run --silent sql -- [--param name=value ...] ("SELECT ..." | --query NAME | --list | --migrate)';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { query: { type: 'string' }, list: { type: 'boolean' }, migrate: { type: 'boolean' }, param: { type: 'string', multiple: true }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.list) {
    for (const query of listNamedQueries()) console.log(`${query.name.padEnd(28)}${query.description}`);
    return 0;
  }
  if (values.migrate) return migrateWarehouse();
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
  const { client, close, where } = await opsWarehouse(config);
  try {
    const result = await client.exec({ query: statement, query_params: queryParams, clickhouse_settings: { default_format: format as DataFormat } });
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

/** Apply pending migrations directly (never through a gateway: a worker migrates at its start anyway). */
async function migrateWarehouse(): Promise<number> {
  const config = loadConfig();
  const warehouse = await openWarehouse(config.warehouse);
  try {
    const applied = await migrate(warehouse);
    console.log(applied.length > 0 ? `applied ${applied.join(', ')} to ${describeWarehouse(config.warehouse)}` : `${describeWarehouse(config.warehouse)} is up to date`);
    return 0;
  } catch (error) {
    console.error(`migration failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await warehouse.close();
  }
}

/** The statement piped in, or '' when standard input is a terminal. */
async function standardInput(): Promise<string> {
  if (process.stdin.isTTY) return '';
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.trim().replace(/;\s*$/, '');
}

main().then((code) => process.exit(code));
