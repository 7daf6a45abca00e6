/**
 * `npm run sql` while the worker is loading: the chDB server answers other clients while a load
 * statement runs. Proof without timing: each answer says how many load statements were executing
 * in the server while it was computed (from system.processes, which the admin sees for every
 * user); had it waited for the load, that number would always be 0.
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Warehouse } from '../../clickhouse/client';
import { loadDay } from '../helpers/loadDay';
import { testDataDir } from '../helpers/pipeline';
import { runDay } from '../helpers/runActivities';
import { freshServerWarehouse, scalar, serverEnv, testServer } from '../helpers/warehouse';

const DATABASE = 'cartwheel_loading';

const execFileAsync = promisify(execFile);
const DAY = '2024-05-20';
const BIG_DAY_ORDERS = 30_000;
const MAX_HTTP_PROBES = 500;
const MAX_CLI_PROBES = 6;

// The probe's own text is excluded; every load statement names a `__load_` scratch table.
const PROBE = `
  SELECT
    (SELECT count() FROM system.processes WHERE query LIKE '%\\_\\_load\\_%' AND query NOT LIKE '%system.processes%') AS load_statements,
    (SELECT count() FROM fact_sales) AS lines`;

interface Probe {
  loadStatements: number;
  lines: number;
  ms: number;
}

describe('npm run sql while a load is running', function () {
  this.timeout(300_000);
  const data = testDataDir();
  let warehouse: Warehouse;
  let client: ClickHouseClient;
  let lines: number;

  before(async () => {
    warehouse = await freshServerWarehouse(DATABASE, 'loader');
    await data.generate(DAY, BIG_DAY_ORDERS);
    await runDay(data.settings, warehouse, DAY);
    lines = await scalar(warehouse, 'SELECT count() FROM fact_sales');
    client = createClient({ ...(await testServer()).as('admin'), database: DATABASE, log: { level: ClickHouseLogLevel.OFF } });
  });
  after(async () => {
    await client?.close();
    await warehouse?.close();
  });

  /** Reload the big day over and over until `work` is done, so that work always meets a load. */
  async function whileLoading<T>(work: () => Promise<T>): Promise<{ result: T; loads: number }> {
    let done = false;
    let loads = 0;
    const loader = (async () => {
      while (!done) {
        await loadDay(data.settings, warehouse, DAY);
        loads += 1;
      }
    })();
    try {
      const result = await work();
      done = true;
      await loader;
      return { result, loads };
    } finally {
      done = true;
      await loader.catch(() => undefined);
    }
  }

  it('answers another client during load statements, and never shows a half-swapped month', async () => {
    const { result: probes, loads } = await whileLoading(async () => {
      const probes: Probe[] = [];
      while (probes.length < MAX_HTTP_PROBES && probes.filter((p) => p.loadStatements > 0).length < 5) {
        const started = performance.now();
        const result = await client.query({ query: PROBE, format: 'JSONEachRow' });
        const [row] = await result.json<{ load_statements: number | string; lines: number | string }>();
        probes.push({ loadStatements: Number(row.load_statements), lines: Number(row.lines), ms: performance.now() - started });
      }
      return probes;
    });
    const during = probes.filter((p) => p.loadStatements > 0);
    report('HTTP client', probes, loads);
    assert.ok(during.length >= 5, `only ${during.length} of ${probes.length} answers came while a load statement was executing`);
    // The month is swapped table by table, each atomically: a reader sees all of it or all of the last one.
    assert.deepEqual([...new Set(probes.map((p) => p.lines))], [lines]);
  });

  it('npm run sql (another process) answers while the worker is loading', async () => {
    const cli = path.join(__dirname, '..', '..', 'ops', 'sql.ts');
    const env = { ...process.env, CARTWHEEL_DATA_DIR: data.settings.dataDir, ...(await serverEnv(DATABASE, 'admin')) };
    const { result: probes, loads } = await whileLoading(async () => {
      const probes: Probe[] = [];
      while (probes.length < MAX_CLI_PROBES && !probes.some((p) => p.loadStatements > 0)) {
        const started = performance.now();
        const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', cli, PROBE], { env });
        const [header, values] = stdout.trim().split('\n');
        assert.equal(header, 'load_statements\tlines');
        const [loadStatements, seen] = values.split('\t').map(Number);
        probes.push({ loadStatements, lines: seen, ms: performance.now() - started });
      }
      return probes;
    });
    report('npm run sql (child process, including its start-up)', probes, loads);
    assert.ok(probes.some((p) => p.loadStatements > 0), `none of ${probes.length} npm run sql answers came while a load statement was executing`);
    assert.deepEqual([...new Set(probes.map((p) => p.lines))], [lines]);
  });
});

/** The wait, for the record: how long answers took while loads ran (not asserted: no timed tests). */
function report(what: string, probes: Probe[], loads: number): void {
  const ms = probes.map((p) => p.ms).sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(1);
  const during = probes.filter((p) => p.loadStatements > 0).length;
  console.log(`      ${what}: ${probes.length} answers during ${loads} loads, ${during} while a load statement ran; latency median ${at(0.5)} ms, max ${at(1)} ms`);
}
