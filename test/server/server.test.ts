/**
 * The default warehouse, a real ClickHouse server: chDB 26.9 started by clickhouse/server/server.ts
 * (one per mocha process, test/helpers/warehouse.ts), reached over HTTP with its users.xml users.
 * What differs from embedded chDB and is exercised here: staged Parquet reaches the server by path
 * when it shares the files and over HTTP when it cannot see them, authentication
 * and grants are enforced, the roles come from users.xml, and real SQL clients connect: the native
 * protocol (clickhouse-driver) and JDBC (the driver DBeaver uses).
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createActivities } from '../../activities';
import type { LoadSummary } from '../../pipeline/build/loadMonth';
import { stagedFilesOfMonth } from '../../pipeline/build/stagedFiles';
import { AGGREGATES } from '../../pipeline/build/warehouseTables';
import { openWarehouse, type Warehouse } from '../../clickhouse/client';
import { listMigrations, migrate } from '../../clickhouse/migrate';
import { listNamedQueries, namedQuery } from '../../clickhouse/namedQueries';
import { uploadRoute } from '../../clickhouse/parquetUpload';
import type { ServerUser } from '../../clickhouse/server/credentials';
import { ensureChdbServer, ensureJdbcDriver } from '../../clickhouse/server/provision';
import { startChdbServer, type ChdbServer } from '../../clickhouse/server/server';
import { activityEnvironment } from '../helpers/activityEnvironment';
import { loadedTableChecksums, rebuildDrift } from '../helpers/starSchema';
import { testDataDir } from '../helpers/pipeline';
import { runDay } from '../helpers/runActivities';
import { tempRoot } from '../helpers/tempDirs';
import { rows, scalar, serverWarehouse, testServer } from '../helpers/warehouse';

const DATABASE = 'cartwheel_server';
const REPO = path.resolve(__dirname, '..', '..');

describe('the chDB server (default warehouse)', function () {
  this.timeout(300_000);
  let server: ChdbServer;
  let admin: Warehouse;
  let analyst: ClickHouseClient;

  before(async () => {
    server = await testServer();
    admin = await serverWarehouse(DATABASE, 'admin');
    analyst = createClient({ ...server.as('analyst'), database: DATABASE, log: { level: ClickHouseLogLevel.OFF } });
  });

  after(async () => {
    await analyst?.close();
    await admin?.close();
  });

  it('the migrations create every table; the roles come from users.xml; migrating again applies nothing', async () => {
    assert.deepEqual(await migrate(admin), listMigrations().map((m) => m.name));
    assert.deepEqual(await migrate(admin), []);
    const roles = await rows<{ name: string }>(admin, 'SELECT name FROM system.roles WHERE name LIKE {prefix:String} ORDER BY name', { prefix: `${DATABASE}_%` });
    assert.deepEqual(roles.map((r) => r.name), [`${DATABASE}_analyst`, `${DATABASE}_loader`]);
    const serverOnly = listMigrations().filter((m) => m.serverOnly).map((m) => m.name);
    const audit = await rows<{ target: string; detail: string }>(admin, 'SELECT target, detail FROM audit_log WHERE target IN {names:Array(String)} ORDER BY target', { names: serverOnly });
    assert.deepEqual(audit.map((a) => a.target), serverOnly);
    assert.ok(audit.every((a) => a.detail.includes('roles from users.xml')), JSON.stringify(audit));
    assert.equal(await scalar(admin, 'SELECT count() FROM system.tables WHERE database = {db:String} AND name = {t:String}', { db: DATABASE, t: 'agg_delivery' }), 1);
    const views = await rows<{ name: string }>(admin, "SELECT name FROM system.tables WHERE database = {db:String} AND engine LIKE '%MaterializedView%' ORDER BY name", { db: DATABASE });
    assert.deepEqual(views.map((v) => v.name), AGGREGATES.map((a) => a.materializedView).sort(), 'the aggregates are materialized views');
  });

  it('the loader loads generated days over HTTP; re-running changes nothing; aggregates and dimensions equal a rebuild', async () => {
    const loader = await serverWarehouse(DATABASE, 'loader');
    try {
      assert.deepEqual(await migrate(loader), [], 'the admin applied the migrations; the loader only reads them');
      const data = testDataDir();
      for (const day of ['2024-03-10', '2024-04-01']) {
        await data.generate(day, 200);
        const { loaded } = await runDay(data.settings, loader, day);
        assert.ok(loaded && loaded.rowsLoaded.orders > 0, 'the quality gate passes and order lines load');
        assert.ok(Object.values(loaded.rowsLoaded).every((n) => typeof n === 'number'));
      }
      const sums = await loadedTableChecksums(loader);
      await runDay(data.settings, loader, '2024-03-10');
      assert.deepEqual(await loadedTableChecksums(loader), sums);
      assert.deepEqual(await rebuildDrift(loader), []);
    } finally {
      await loader.close();
    }
  });

  it('the analyst runs every named query and reads the star schema and aggregates', async () => {
    for (const query of listNamedQueries()) {
      const result = await analyst.query({ query: query.sql, format: 'JSONEachRow' });
      assert.ok((await result.json()).length > 0, query.name);
    }
    for (const table of ['fact_sales', 'fact_payments', 'dim_customer_current', 'dim_product', 'dim_date', ...AGGREGATES.map((a) => a.view), 'customer_lifetime', 'analyst_customers']) {
      await analyst.query({ query: `SELECT count() FROM ${table}` }).then((r) => r.text());
    }
    await analyst.query({ query: 'SELECT customer_id, email_masked, email_token FROM dim_customer LIMIT 1' }).then((r) => r.text());
  });

  it('the analyst is refused DROP, INSERT, TRUNCATE, file(), url(), s3(), ciphertext, snapshots and run history', async () => {
    const refused = async (query: string) => {
      await assert.rejects(analyst.query({ query }).then((r) => r.text()), /ACCESS_DENIED|Not enough privileges|readonly/i, query);
    };
    await refused('DROP TABLE fact_sales');
    await refused('TRUNCATE TABLE fact_sales');
    await refused("INSERT INTO dim_date (date) VALUES ('2030-01-01')");
    await refused("SELECT * FROM file('/etc/passwd', 'LineAsString')");
    await refused("SELECT * FROM url('http://127.0.0.1:1/', 'LineAsString')");
    await refused("SELECT * FROM s3('http://127.0.0.1:1/bucket/x.csv', 'CSV')");
    await refused('SELECT email_encrypted FROM dim_customer');
    await refused('SELECT * FROM dim_customer');
    for (const table of ['customer_snapshots', 'etl_runs', 'schema_migrations', 'audit_log']) await refused(`SELECT count() FROM ${table}`);
    await refused('CREATE TABLE scratch (x UInt8) ENGINE = Memory');
    // Nothing changed: the table is there with its rows.
    assert.ok((await scalar(admin, 'SELECT count() FROM fact_sales')) > 0);
  });

  it('a wrong password and an unknown user are refused', async () => {
    for (const [username, password] of [['analyst', 'not-the-password'], ['admin', ''], ['intruder', 'x'], ['default', 'x']]) {
      const client = createClient({ url: server.url, username, password, log: { level: ClickHouseLogLevel.OFF } });
      try {
        await assert.rejects(client.query({ query: 'SELECT 1' }).then((r) => r.text()), /AUTHENTICATION_FAILED|Authentication failed/, username);
      } finally {
        await client.close();
      }
    }
  });

  it('nothing logs in without a password: no user, or default, over HTTP and the native protocol', async () => {
    // chDB's in-process session is `default` without a password; it holds default's only session (usersXml.ts).
    const refused = /USER_SESSION_LIMIT_EXCEEDED|overflown session count/;
    for (const credentials of [{}, { username: 'default' }, { username: 'default', password: '' }]) {
      const client = createClient({ url: server.url, ...credentials, log: { level: ClickHouseLogLevel.OFF } });
      try {
        await assert.rejects(client.query({ query: 'SELECT 1' }).then((r) => r.text()), refused, JSON.stringify(credentials));
        // A client cannot raise the session limit with its own settings.
        await assert.rejects(client.query({ query: 'SELECT 1', clickhouse_settings: { max_sessions_for_user: 100 } }).then((r) => r.text()), refused);
      } finally {
        await client.close();
      }
    }
    const python = await ensureChdbServer();
    await assert.rejects(runClient(python, [path.join(REPO, 'clickhouse', 'server', 'native_query.py'), '127.0.0.1', String(server.tcpPort), 'default', 'system'], 'SELECT 1', ''), refused);
    // The server still serves its users.
    assert.equal(await scalar(admin, 'SELECT 1'), 1);
  });

  it('the loader manages no access, creates no database and reads no URL', async () => {
    const loader = createClient({ ...server.as('loader'), database: DATABASE, log: { level: ClickHouseLogLevel.OFF } });
    try {
      for (const query of ['CREATE DATABASE elsewhere', "SELECT * FROM url('http://127.0.0.1:1/', 'LineAsString')", 'CREATE TABLE default.outside (x UInt8) ENGINE = Memory']) {
        await assert.rejects(loader.query({ query }).then((r) => r.text()), /ACCESS_DENIED|Not enough privileges/, query);
      }
      await assert.rejects(loader.command({ query: 'CREATE USER intruder' }), /ACCESS_DENIED|Not enough privileges|readonly|not allowed|storage/i);
    } finally {
      await loader.close();
    }
  });

  it('a native-protocol client (clickhouse-driver, TCP) runs a named query as the analyst', async () => {
    const python = await ensureChdbServer();
    const query = namedQuery('daily_sales');
    const out = await runClient(python, [path.join(REPO, 'clickhouse', 'server', 'native_query.py'), '127.0.0.1', String(server.tcpPort), 'analyst', DATABASE], query.sql, server.credentials.analyst);
    const expected = await analyst.query({ query: query.sql, format: 'TabSeparatedWithNames' }).then((r) => r.text());
    assert.equal(lines(out).length, lines(expected).length);
    assert.deepEqual(lines(out)[0], lines(expected)[0]);
    assert.ok(lines(out).length > 1, 'rows came back');
    await assert.rejects(
      runClient(python, [path.join(REPO, 'clickhouse', 'server', 'native_query.py'), '127.0.0.1', String(server.tcpPort), 'analyst', DATABASE], 'DROP TABLE fact_sales', server.credentials.analyst),
      /ACCESS_DENIED|Not enough privileges|497/,
    );
  });

  it('a JDBC client (com.clickhouse:clickhouse-jdbc 0.10.0, as DBeaver) runs a named query as the analyst', async () => {
    const lib = await ensureJdbcDriver();
    const query = namedQuery('daily_sales');
    // chDB 26.9 answers the driver's LZ4-compressed responses in a frame the driver rejects: ask for none.
    const jdbcUrl = `jdbc:clickhouse://127.0.0.1:${server.httpPort}/${DATABASE}?compress=0`;
    const out = await runClient('java', ['-cp', `${lib}/*`, path.join(REPO, 'clickhouse', 'server', 'JdbcQuery.java'), jdbcUrl, 'analyst'], query.sql, server.credentials.analyst);
    const expected = await analyst.query({ query: query.sql, format: 'TabSeparatedWithNames' }).then((r) => r.text());
    assert.equal(lines(out).length, lines(expected).length);
    assert.deepEqual(lines(out)[0], lines(expected)[0]);
    assert.ok(lines(out).length > 1, 'rows came back');
    await assert.rejects(
      runClient('java', ['-cp', `${lib}/*`, path.join(REPO, 'clickhouse', 'server', 'JdbcQuery.java'), jdbcUrl, 'analyst'], "SELECT * FROM file('/etc/passwd', 'LineAsString')", server.credentials.analyst),
      /ACCESS_DENIED|Not enough privileges|497/,
    );
  });

  it('staged Parquet reaches a co-located server by path, and a server that cannot see the files over HTTP', async function () {
    const data = testDataDir();
    const businessDate = '2024-05-02';
    await data.generate(businessDate, 200);
    // The test server's user_files_path holds the data folder: the load reads the staged files there.
    const colocated = await openWarehouse({ ...warehouseConfig(server, 'loader'), sharedFiles: true });
    let viaPath: Awaited<ReturnType<typeof runDay>>['loaded'];
    try {
      assert.equal(uploadRoute(colocated), 'path');
      viaPath = (await runDay(data.settings, colocated, businessDate)).loaded;
      assert.ok(viaPath && viaPath.rowsLoaded.orders > 0);
    } finally {
      await colocated.close();
    }

    // "Another host": a server in its own mount namespace, where the test folders are an empty tmpfs.
    const remote = await startHiddenFilesServer(tempRoot(), 'cartwheel_remote');
    if (!remote) return this.skip(); // no mount namespaces here (needs root): nothing hides the files
    try {
      const remoteAdmin = await openWarehouse(warehouseConfig(remote.server, 'admin', 'cartwheel_remote'));
      try {
        await migrate(remoteAdmin);
        const [staged] = await stagedFilesOfMonth(data.layout, 'orders', businessDate);
        await assert.rejects(
          remoteAdmin.client.query({ query: 'SELECT count() FROM file({f:String}, Parquet)', query_params: { f: staged } }).then((r) => r.text()),
          /FILE_DOESNT_EXIST|CANNOT_STAT|No such file|doesn't exist/i,
          'the remote server does not see the staged files',
        );
      } finally {
        await remoteAdmin.close();
      }
      const remoteLoader = await openWarehouse(warehouseConfig(remote.server, 'loader', 'cartwheel_remote'));
      try {
        assert.equal(uploadRoute(remoteLoader), 'http');
        const viaHttp = (await activityEnvironment().run(createActivities({ settings: data.settings, warehouse: remoteLoader }).loadWarehouse, { businessDate })) as LoadSummary;
        assert.deepEqual(viaHttp.rowsLoaded, viaPath.rowsLoaded, 'the same month loaded over HTTP as by path');
        assert.equal(await scalar(remoteLoader, 'SELECT count() FROM fact_sales'), viaPath.rowsLoaded.orders);
        // The route matters: by path, the remote server cannot load them.
        await assert.rejects(activityEnvironment().run(createActivities({ settings: data.settings, warehouse: { ...remoteLoader, sharedFiles: true } }).loadWarehouse, { businessDate }));
      } finally {
        await remoteLoader.close();
      }
    } finally {
      await remote.stop();
    }
  });

  it('a server started by another process is reachable with the same credentials (no gateway between)', async () => {
    const other = await openWarehouse({ url: server.url, user: 'analyst', password: server.credentials.analyst, database: DATABASE, chdbPath: '' });
    try {
      assert.ok((await scalar(other, 'SELECT count() FROM agg_daily_sales')) > 0);
    } finally {
      await other.close();
    }
  });
});

const lines = (text: string) => text.trimEnd().split('\n');

const warehouseConfig = (running: ChdbServer, user: ServerUser, database = DATABASE) => {
  const { url, username, password } = running.as(user);
  return { url, user: username, password, database, chdbPath: '' };
};

/**
 * A chDB server that cannot see `hidden` (an empty tmpfs over it in the server's own mount
 * namespace), as a server on another host cannot see this one's files; undefined where mount
 * namespaces are not allowed. Started through CARTWHEEL_CHDB_PYTHON, the launcher's Python override.
 */
async function startHiddenFilesServer(hidden: string, database: string): Promise<{ server: ChdbServer; stop(): Promise<void> } | undefined> {
  if (spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs none ${JSON.stringify(hidden)}`]).status !== 0) return undefined;
  const home = mkdtempSync(path.join(tmpdir(), 'cartwheel-remote-server-'));
  const wrapper = path.join(home, 'python-hiding-files');
  writeFileSync(wrapper, `#!/bin/sh\nexec unshare -m --propagation private sh -c 'mount -t tmpfs none "$0" && exec "$@"' ${JSON.stringify(hidden)} ${JSON.stringify(await ensureChdbServer())} "$@"\n`, { mode: 0o700 });
  const before = process.env.CARTWHEEL_CHDB_PYTHON;
  process.env.CARTWHEEL_CHDB_PYTHON = wrapper;
  try {
    const server = await startChdbServer({ home: path.join(home, 'server'), filesDir: path.join(home, 'files'), databases: [database], httpPort: 0, tcpPort: 0 });
    return { server, stop: async () => { await server.stop(); rmSync(home, { recursive: true, force: true }); } };
  } catch (error) {
    rmSync(home, { recursive: true, force: true });
    throw error;
  } finally {
    if (before === undefined) delete process.env.CARTWHEEL_CHDB_PYTHON;
    else process.env.CARTWHEEL_CHDB_PYTHON = before;
  }
}

/** Run a client with the statement on stdin and the password in the environment; its stdout. */
function runClient(cmd: string, args: string[], statement: string, password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, CLICKHOUSE_PASSWORD: password } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(cmd)} exited ${code}: ${err.slice(-2000)}`))));
    child.stdin.end(statement);
  });
}
