/**
 * The real thing, small: the Temporal dev server started by the project's own tooling, a worker with
 * the real activities, the chDB ClickHouse server as its warehouse (the loader user, as in
 * production), generated exports, and SQL clients reaching the same server as the analyst.
 */
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Warehouse } from '../../clickhouse/client';
import type { DailyLoadResult } from '../../workflows';
import { tableChecksums } from '../helpers/checksums';
import { devServerEnv, type DevServerEnv } from '../helpers/devServerEnv';
import { testDataDir } from '../helpers/pipeline';
import { productionWorker } from '../helpers/productionWorker';
import { recordHistoryIfAsked } from '../helpers/recordHistory';
import { freshServerWarehouse, rows, serverEnv, testServer } from '../helpers/warehouse';

const execFileAsync = promisify(execFile);

const DATABASE = 'cartwheel_it';

describe('dailyLoad on the Temporal dev server with the chDB server as warehouse', function () {
  this.timeout(300_000); // the first run may build the Temporal CLI
  let temporal: DevServerEnv;
  let warehouse: Warehouse;
  const data = testDataDir();

  before(async () => {
    temporal = await devServerEnv();
    warehouse = await freshServerWarehouse(DATABASE, 'loader');
  });
  after(async () => {
    await warehouse?.close();
    await temporal?.teardown();
  });

  it('loads a generated day, accounts for every row, and a re-run changes nothing', async () => {
    const generated = await data.generate('2024-03-10', 300);
    const taskQueue = 'integration';
    const worker = await productionWorker({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      settings: data.settings,
      warehouse,
    });
    const { client } = temporal;
    const run = () =>
      client.workflow.execute('dailyLoad', {
        taskQueue,
        workflowId: 'daily-2024-03-10',
        args: [{ businessDate: '2024-03-10' }],
        workflowIdConflictPolicy: 'TERMINATE_EXISTING',
      }) as Promise<DailyLoadResult>;

    let checkpoint: Record<string, string> = {};
    const [first, second] = await worker.runUntil(async () => {
      const firstRun = await run();
      checkpoint = await tableChecksums(warehouse);
      return [firstRun, await run()] as const;
    });
    for (const source of first.sources) {
      assert.equal(source.rowsRead, generated.rows[source.source]);
      assert.equal(source.rowsRead, source.rowsLoaded + source.rowsQuarantined + source.rowsDeduplicated, source.source);
    }

    // The run record in the warehouse says the same.
    const recorded = await rows<{ source: string; rows_read: number; rows_loaded: number; rows_quarantined: number; rows_deduplicated: number }>(
      warehouse,
      'SELECT source, rows_read, rows_loaded, rows_quarantined, rows_deduplicated FROM etl_run_sources FINAL WHERE run_id = {run:String} ORDER BY source',
      { run: first.runId },
    );
    assert.equal(recorded.length, 4);
    for (const r of recorded) assert.equal(Number(r.rows_read), Number(r.rows_loaded) + Number(r.rows_quarantined) + Number(r.rows_deduplicated));

    // Table contents after both runs: the facts hold the loaded order lines; the aggregate sums to the facts.
    const [facts] = await rows<{ lines: number; revenue: string; agg_revenue: string }>(warehouse, `
      SELECT (SELECT count() FROM fact_sales) AS lines,
             (SELECT toString(sum(line_total)) FROM fact_sales) AS revenue,
             (SELECT toString(sum(revenue)) FROM agg_daily_sales) AS agg_revenue`);
    assert.equal(Number(facts.lines), first.sources.find((s) => s.source === 'orders')!.rowsLoaded);
    assert.equal(facts.revenue, facts.agg_revenue);
    for (const [table, sum] of Object.entries(checkpoint)) assert.ok(!sum.startsWith('0:'), `${table} holds rows`);

    // The second run replaced the day instead of adding to it.
    assert.notEqual(second.runId, first.runId);
    assert.deepEqual(await tableChecksums(warehouse), checkpoint, 're-running the day leaves every table identical');

    await recordHistoryIfAsked(client.workflow.getHandle('daily-2024-03-10', second.runId), 'dailyLoad.json');
  });

  it('answers SQL to the analyst over HTTP with the ClickHouse client', async () => {
    // Logging off: the failing query below is expected.
    const client = createClient({ ...(await testServer()).as('analyst'), database: DATABASE, log: { level: ClickHouseLogLevel.OFF } });
    try {
      const result = await client.query({ query: 'SELECT count() AS n, {label:String} AS label FROM dim_date', query_params: { label: 'days' }, format: 'JSONEachRow' });
      const [row] = await result.json<{ n: number | string; label: string }>();
      assert.ok(Number(row.n) >= 28);
      assert.equal(row.label, 'days');
      await assert.rejects(client.query({ query: 'SELECT * FROM no_such_table' }), /no_such_table/);
    } finally {
      await client.close();
    }
  });

  it('npm run sql answers from another process as the analyst, and the analyst cannot write', async () => {
    const env = { ...process.env, CARTWHEEL_DATA_DIR: data.settings.dataDir, ...(await serverEnv(DATABASE, 'analyst')) };
    const sql = (statement: string) => execFileAsync(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', '..', 'ops', 'sql.ts'), statement], { env });
    await assert.rejects(sql('TRUNCATE TABLE dim_date'), /ACCESS_DENIED|Not enough privileges/);
    const { stdout } = await sql('SELECT count() AS days, min(date) AS first FROM dim_date');
    const [header, values] = stdout.trim().split('\n');
    assert.equal(header, 'days\tfirst');
    assert.match(values, /^\d+\t2024-\d{2}-01$/);
  });
});
