/**
 * Two warehouses for tests.
 *
 * - testWarehouse(): embedded chDB, for tests that need no server. chDB binds one data folder per
 *   process, so every test in the mocha process shares it; freshWarehouse() drops and re-migrates
 *   the database (tests run one at a time).
 * - testServer() / serverWarehouse(): the chDB ClickHouse server (clickhouse/server/server.ts). Under
 *   `npm test` one for the whole run, started by test/helpers/sharedServers.ts and named by
 *   CARTWHEEL_TEST_CHDB_SERVER_HOME; otherwise (`npx mocha FILE`) one per mocha process, started on
 *   first use on free loopback ports and stopped when the process exits. Its user_files_path is
 *   tempRoot(), where every tempDir() lives. Each test file uses a database of its own from
 *   TEST_SERVER_DATABASES (users.xml, read once at start, carries their roles), so files running at
 *   the same time never share tables.
 */
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openWarehouse, type Warehouse } from '../../clickhouse/client';
import { migrate } from '../../clickhouse/migrate';
import type { ServerUser } from '../../clickhouse/server/credentials';
import { runningChdbServer, startChdbServer, type ChdbServer } from '../../clickhouse/server/server';
import { removeInBackground, tempDir, tempRoot } from './tempDirs';

const DATABASE = 'cartwheel_test';
let shared: Promise<Warehouse> | undefined;

export function testWarehouse(): Promise<Warehouse> {
  shared ??= openWarehouse({ database: DATABASE, chdbPath: path.join(tempDir('chdb'), 'warehouse') });
  return shared;
}

/**
 * Close the shared embedded warehouse (a root hook in setup.ts, after the last test): its engine
 * must not be writing into its folder when the process removes its temporary folders and exits.
 */
export async function closeTestWarehouse(): Promise<void> {
  const opened = shared;
  shared = undefined;
  if (opened) await (await opened).close();
}

export async function freshWarehouse(): Promise<Warehouse> {
  const warehouse = await testWarehouse();
  await warehouse.client.command({ query: `DROP DATABASE IF EXISTS ${DATABASE}` });
  await warehouse.client.command({ query: `CREATE DATABASE ${DATABASE}` });
  await warehouse.client.command({ query: `USE ${DATABASE}` });
  await migrate(warehouse);
  return warehouse;
}

/** Databases of the test server whose loader and analyst roles exist; one per test file. */
export const TEST_SERVER_DATABASES = [
  'cartwheel_server', 'cartwheel_it', 'cartwheel_queries', 'cartwheel_loading', 'cartwheel_schedules',
  // dailyLoad on the time-skipping server with the real activities (test/workflows/workflows.test.ts).
  'cartwheel_workflows',
] as const;
export type TestServerDatabase = (typeof TEST_SERVER_DATABASES)[number];

/** The home folder of the run's shared chDB server (set by test/helpers/sharedServers.ts). */
export const SHARED_CHDB_SERVER_ENV = 'CARTWHEEL_TEST_CHDB_SERVER_HOME';

let server: Promise<ChdbServer> | undefined;

export function testServer(): Promise<ChdbServer> {
  server ??= (async () => {
    const shared = process.env[SHARED_CHDB_SERVER_ENV];
    if (shared) {
      const running = await runningChdbServer(shared);
      if (!running) throw new Error(`the run's chDB server (${SHARED_CHDB_SERVER_ENV}=${shared}) does not answer; see ${path.join(shared, 'server.err.log')}`);
      return running;
    }
    return startTestServer();
  })();
  return server;
}

/** A chDB server of this process, on free ports, killed when the process exits. */
export async function startTestServer(): Promise<ChdbServer> {
  // The server's own folder (data, users, credentials) is outside the files root on purpose.
  const home = mkdtempSync(path.join(tmpdir(), 'cartwheel-test-server-'));
  const started = await startChdbServer({ home, filesDir: tempRoot(), databases: TEST_SERVER_DATABASES, httpPort: 0, tcpPort: 0 });
  process.once('exit', () => {
    try {
      process.kill(started.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    removeInBackground(home);
  });
  return started;
}

/** The test server's database as one of its users (admin creates the database when missing). */
export async function serverWarehouse(database: TestServerDatabase, user: ServerUser = 'admin'): Promise<Warehouse> {
  const running = await testServer();
  const { url, username, password } = running.as(user);
  return openWarehouse({ url, user: username, password, database, chdbPath: '' });
}

/** An empty, migrated database on the test server (dropped and re-created as admin), opened as `user`. */
export async function freshServerWarehouse(database: TestServerDatabase, user: ServerUser = 'loader'): Promise<Warehouse> {
  const running = await testServer();
  const bootstrap = createClient({ ...running.as('admin'), log: { level: ClickHouseLogLevel.OFF } });
  try {
    await bootstrap.command({ query: `DROP DATABASE IF EXISTS ${database} SYNC` });
  } finally {
    await bootstrap.close();
  }
  const admin = await serverWarehouse(database, 'admin');
  try {
    await migrate(admin);
  } finally {
    await admin.close();
  }
  return serverWarehouse(database, user);
}

/** Environment for a child process (npm run sql, a worker) that should use the test server as `user`. */
export async function serverEnv(database: TestServerDatabase, user: ServerUser): Promise<Record<string, string>> {
  const running = await testServer();
  return { CLICKHOUSE_URL: running.url, CLICKHOUSE_USER: user, CLICKHOUSE_PASSWORD: running.credentials[user], CLICKHOUSE_DATABASE: database };
}

/** Run a query and return its rows, with 64-bit integers as numbers whatever the engine. */
export async function rows<T = Record<string, unknown>>(warehouse: Warehouse, query: string, query_params?: Record<string, unknown>): Promise<T[]> {
  const result = await warehouse.client.query({ query, query_params, format: 'JSONEachRow' });
  return result.json<T>();
}

export async function scalar(warehouse: Warehouse, query: string, query_params?: Record<string, unknown>): Promise<number> {
  const [row] = await rows<Record<string, number | string>>(warehouse, query, query_params);
  return Number(Object.values(row)[0]);
}
