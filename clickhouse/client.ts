/**
 * The one way to reach the warehouse: a `@clickhouse/client` client, backed by a ClickHouse server
 * (`url`: the data folder's chDB server by default, clickhouse/server/localServer.ts, or the one
 * CLICKHOUSE_URL names) or, without `url`, by embedded chDB in this process (tests that need no
 * server). Everything above this module speaks the same client API and never knows which engine answers.
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface WarehouseConfig {
  /** A ClickHouse server's HTTP endpoint; when absent the embedded chDB engine is used. */
  url?: string;
  user?: string;
  password?: string;
  database: string;
  /** Data folder of the embedded engine. */
  chdbPath: string;
  /**
   * The server reads this process's files at the same paths (the data folder's own chDB server):
   * staged Parquet reaches it by path. Unset for a CLICKHOUSE_URL server: its bytes go over HTTP.
   */
  sharedFiles?: boolean;
  /**
   * A sharded warehouse (clickhouse/cluster/): `url` is the shard workers use for everything but the
   * month loads, which run on the month's shard; the same user and password on every shard.
   */
  cluster?: { name: string; shards: string[] };
}

export interface Warehouse {
  /** Runs the loads: DDL, inserts, partition swaps. */
  client: ClickHouseClient;
  /**
   * For queries that must not queue behind a load. chDB runs one
   * statement at a time per session, so embedded mode opens a second session on the same folder;
   * a server answers concurrent requests anyway, so there it is the same client.
   */
  reader(): Promise<ClickHouseClient>;
  mode: 'embedded' | 'server';
  /** Files reach the engine by path (embedded, or a server on the same files); otherwise over HTTP. */
  sharedFiles: boolean;
  database: string;
  /** Where embedded data lives; undefined in server mode. */
  chdbPath?: string;
  close(): Promise<void>;
}

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The warehouse cannot be reached right now (server down or unreachable, embedded folder held by
 * another process): worth trying again later, unlike a wrong password or a bad database name.
 */
export class WarehouseUnavailable extends Error {
  override name = 'WarehouseUnavailable';
}

const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|socket hang up|Timeout error/;

function isConnectionError(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return CONNECTION_ERROR.test(`${String(code)} ${String(message)}`);
}

/** Database and table names are interpolated into DDL, so they must be plain identifiers. */
export function assertIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`${what} "${name}" is not a valid identifier (letters, digits, _)`);
  return name;
}

/**
 * How long one HTTP statement may run. A big day's ingest is a single statement that runs for
 * minutes (the client's default, 30 s, failed the 10M-order day). What bounds a statement is its
 * activity: cancellation aborts the request, a dead worker stops heartbeating. The server sends a
 * progress header every 110 s so that nothing between the two closes an idle connection; Node
 * accepts 16 KiB of headers, about 90 of them, so the limit stays well under 90 x 110 s.
 */
const STATEMENT_TIMEOUT_MS = 2 * 60 * 60 * 1000;
const PROGRESS_HEADERS = { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '110000' } as const;

// chDB binds one data folder per process; every caller in the process shares the one connection.
let embedded: { path: string; warehouse: Warehouse; users: number } | undefined;

export async function openWarehouse(config: WarehouseConfig): Promise<Warehouse> {
  assertIdentifier(config.database, 'CLICKHOUSE_DATABASE');
  return config.url ? openServer(config) : openEmbedded(config);
}

async function openServer(config: WarehouseConfig): Promise<Warehouse> {
  const credentials = { url: config.url, username: config.user ?? 'default', password: config.password ?? '' };
  // The database may not exist yet; create it through a client without a default database. Only
  // when missing: the loader and analyst roles may not create databases, even with IF NOT EXISTS.
  // Its failures are reported once, by the error below; the client's own log would repeat each one.
  const bootstrap = createClient({ ...credentials, log: { level: ClickHouseLogLevel.OFF } });
  try {
    const existing = await bootstrap.query({
      query: 'SELECT count() AS n FROM system.databases WHERE name = {database:String}',
      query_params: { database: config.database },
      format: 'JSONEachRow',
    });
    const [{ n }] = await existing.json<{ n: number | string }>();
    if (Number(n) === 0) await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${config.database}` });
  } catch (error) {
    const message = `cannot open database ${config.database} on ClickHouse at ${redactUrl(config.url!)}: ${(error as Error).message}`;
    throw isConnectionError(error) ? new WarehouseUnavailable(message) : new Error(message);
  } finally {
    await bootstrap.close();
  }
  const client = createClient({ ...credentials, database: config.database, request_timeout: STATEMENT_TIMEOUT_MS, clickhouse_settings: PROGRESS_HEADERS });
  return { client, reader: async () => client, mode: 'server', sharedFiles: config.sharedFiles ?? false, database: config.database, close: () => client.close() };
}

async function openEmbedded(config: WarehouseConfig): Promise<Warehouse> {
  const chdbPath = path.resolve(config.chdbPath);
  if (embedded) {
    if (embedded.path !== chdbPath) {
      throw new Error(`the embedded warehouse is already open at ${embedded.path}; chDB allows one data folder per process (asked for ${chdbPath})`);
    }
    embedded.users += 1;
    return embedded.warehouse;
  }
  mkdirSync(chdbPath, { recursive: true });
  assertNotLocked(chdbPath);
  const client = await openChdbSession(chdbPath, config.database, true);
  // Opened on first use: most processes (tests, npm run sql without a worker) never need it.
  let reader: Promise<ClickHouseClient> | undefined;
  const warehouse: Warehouse = {
    client,
    reader: () => (reader ??= openChdbSession(chdbPath, config.database, false)),
    mode: 'embedded',
    sharedFiles: true,
    database: config.database,
    chdbPath,
    close: async () => {
      if (!embedded) return;
      embedded.users -= 1;
      if (embedded.users > 0) return;
      embedded = undefined;
      if (reader) await (await reader).close();
      await client.close();
    },
  };
  embedded = { path: chdbPath, warehouse, users: 1 };
  return warehouse;
}

/** One chDB session on the folder; sessions of one process share the engine and run concurrently. */
async function openChdbSession(chdbPath: string, database: string, create: boolean): Promise<ClickHouseClient> {
  // Loaded here, not at the top: loading chDB's library costs a process ~150 MiB of resident memory,
  // which a process whose warehouse is a server (a worker, the bench) never needs.
  const { createChdbConnection } = await import('chdb/connection');
  // tsc needs the cast: chdb/connection implements the same Connection contract from its own copy of client-common.
  const connection = createChdbConnection({ path: chdbPath }) as unknown as ClientConnection;
  const client = createClient({ connection });
  // chDB ignores the client's `database` option, but USE persists for the session.
  if (create) await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  await client.command({ query: `USE ${database}` });
  return client;
}

/**
 * A second process opening the same chDB folder fails with a lock error that chDB prints only to
 * stderr. The folder's `status` file names the owning PID, so check it and say what to do instead.
 */
function assertNotLocked(chdbPath: string): void {
  const owner = embeddedOwnerPid(chdbPath);
  if (owner !== undefined && owner !== process.pid) {
    throw new WarehouseUnavailable(
      `the embedded warehouse at ${chdbPath} is open in process ${owner} (a running worker or npm start). ` +
        'Query it through that process with `npm run sql`, or stop it first.',
    );
  }
}

/** PID of a live process holding the chDB folder, if any. */
export function embeddedOwnerPid(chdbPath: string): number | undefined {
  const statusFile = path.join(chdbPath, 'status');
  if (!existsSync(statusFile)) return undefined;
  const pid = Number(/PID:\s*(\d+)/.exec(readFileSync(statusFile, 'utf8'))?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined; // a stale status file from a process that died
  }
}

/** Never print credentials that may be embedded in a URL. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = parsed.username ? '***' : '';
    parsed.password = parsed.password ? '***' : '';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}
