/**
 * Server mode against a real ClickHouse server: set CLICKHOUSE_URL (and CLICKHOUSE_USER /
 * CLICKHOUSE_PASSWORD of a user allowed to manage access) to run these; without it they are
 * skipped, and say so. Each run works in a database of its own, dropped afterwards with its roles
 * and users. What differs from chDB and is exercised here: Parquet travels over HTTP, 64-bit
 * integers arrive as strings, roles and grants exist.
 */
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { openWarehouse, type Warehouse } from '../clickhouse/client';
import { listMigrations, migrate } from '../clickhouse/migrate';
import { listNamedQueries } from '../clickhouse/namedQueries';
import { loadedTableChecksums, rebuildDrift } from './helpers/starSchema';
import { testDataDir } from './helpers/pipeline';
import { runDay } from './helpers/runActivities';
import { rows, scalar } from './helpers/warehouse';

const url = process.env.CLICKHOUSE_URL;
const admin = { user: process.env.CLICKHOUSE_USER, password: process.env.CLICKHOUSE_PASSWORD };

describe('server mode (CLICKHOUSE_URL)', function () {
  this.timeout(300_000);
  const database = `cartwheel_test_${randomBytes(4).toString('hex')}`;
  const users: string[] = [];
  let warehouse: Warehouse;

  before(async function () {
    if (!url) {
      console.log('      SKIPPED: CLICKHOUSE_URL is not set, so the server-mode tests did not run.\n' +
        '      Run them against a server: CLICKHOUSE_URL=http://localhost:8123 CLICKHOUSE_USER=admin CLICKHOUSE_PASSWORD=... npx mocha');
      this.skip();
    }
    warehouse = await openWarehouse({ url, ...admin, database, chdbPath: '' });
  });

  after(async () => {
    if (!url || !warehouse) return;
    for (const user of users) await warehouse.client.command({ query: `DROP USER IF EXISTS ${user}` });
    await warehouse.client.command({ query: `DROP ROLE IF EXISTS ${database}_loader, ${database}_analyst` }).catch(() => undefined);
    await warehouse.client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await warehouse.close();
  });

  it('the migrations create every table and both roles; migrating again applies nothing', async () => {
    const applied = await migrate(warehouse);
    assert.deepEqual(applied, listMigrations().map((m) => m.name));
    assert.deepEqual(await migrate(warehouse), []);
    const roles = await rows<{ name: string }>(warehouse, 'SELECT name FROM system.roles WHERE name LIKE {prefix:String} ORDER BY name', { prefix: `${database}_%` });
    assert.deepEqual(roles.map((r) => r.name), [`${database}_analyst`, `${database}_loader`]);
    assert.ok(await scalar(warehouse, 'SELECT count() FROM system.tables WHERE database = {db:String} AND name = {t:String}', { db: database, t: 'agg_delivery' }) === 1);
  });

  it('loads generated days over HTTP; re-running changes nothing; aggregates and dimensions equal a rebuild', async () => {
    const data = testDataDir();
    for (const day of ['2024-03-10', '2024-04-01']) {
      await data.generate(day, 200);
      const { loaded } = await runDay(data.settings, warehouse, day);
      assert.ok(loaded && loaded.rowsLoaded.orders > 0, 'the quality gate passes and order lines load');
      // 64-bit counts arrive as strings from a server: the summary must still hold numbers.
      assert.ok(Object.values(loaded.rowsLoaded).every((n) => typeof n === 'number'));
    }
    const sums = await loadedTableChecksums(warehouse);
    await runDay(data.settings, warehouse, '2024-03-10');
    assert.deepEqual(await loadedTableChecksums(warehouse), sums);
    assert.deepEqual(await rebuildDrift(warehouse), []);
  });

  it('every named query answers on the server', async () => {
    for (const query of listNamedQueries()) assert.ok((await rows(warehouse, query.sql)).length > 0, query.name);
  });

  describe('roles', () => {
    const password = randomBytes(18).toString('base64url');
    const connectAs = (user: string) => openWarehouse({ url: url!, user, password, database, chdbPath: '' });

    before(async function () {
      try {
        for (const role of ['loader', 'analyst']) {
          const user = `${database}_${role}_user`;
          // The password is base64url (letters, digits, - and _): safe to quote inline.
          await warehouse.client.command({ query: `CREATE USER ${user} IDENTIFIED WITH sha256_password BY '${password}'` });
          users.push(user);
          await warehouse.client.command({ query: `GRANT ${database}_${role} TO ${user}` });
          await warehouse.client.command({ query: `ALTER USER ${user} DEFAULT ROLE ${database}_${role}` });
        }
      } catch (error) {
        console.log(`      SKIPPED: CLICKHOUSE_USER cannot create users (${(error as Error).message.split('\n')[0]})`);
        this.skip();
      }
    });

    it('the analyst reads the star schema and aggregates, not snapshots or run history, and writes nothing', async () => {
      const analyst = await connectAs(`${database}_analyst_user`);
      try {
        for (const table of ['fact_sales', 'fact_payments', 'dim_customer', 'dim_customer_current', 'dim_product', 'dim_date', 'agg_daily_sales', 'customer_lifetime']) {
          await analyst.client.query({ query: `SELECT count() FROM ${table}` }).then((r) => r.text());
        }
        for (const query of listNamedQueries()) await analyst.client.query({ query: query.sql }).then((r) => r.text());
        for (const table of ['customer_snapshots', 'etl_runs', 'schema_migrations']) {
          await assert.rejects(analyst.client.query({ query: `SELECT count() FROM ${table}` }).then((r) => r.text()), /ACCESS_DENIED|privileges/i, table);
        }
        await assert.rejects(analyst.client.command({ query: 'TRUNCATE TABLE fact_sales' }), /ACCESS_DENIED|privileges/i);
        await assert.rejects(analyst.client.command({ query: "INSERT INTO dim_date (date) VALUES ('2030-01-01')" }), /ACCESS_DENIED|privileges/i);
      } finally {
        await analyst.close();
      }
    });

    it('the loader runs a whole load (staging tables, partition swaps, run records) but manages no access', async () => {
      const loader = await connectAs(`${database}_loader_user`);
      try {
        assert.deepEqual(await migrate(loader), [], 'the admin applied the migrations; the loader only reads them');
        const data = testDataDir();
        await data.generate('2024-05-02', 150);
        const { loaded } = await runDay(data.settings, loader, '2024-05-02');
        assert.ok(loaded && loaded.rowsLoaded.orders > 0);
        assert.deepEqual(await rebuildDrift(loader), []);
        const client = createClient({ url, username: `${database}_loader_user`, password, log: { level: ClickHouseLogLevel.OFF } });
        try {
          await assert.rejects(client.command({ query: 'CREATE USER intruder' }), /ACCESS_DENIED|privileges/i);
          await assert.rejects(client.command({ query: 'CREATE DATABASE elsewhere' }), /ACCESS_DENIED|privileges/i);
        } finally {
          await client.close();
        }
      } finally {
        await loader.close();
      }
    });
  });
});
