/**
 * `npm run sql` while the worker is loading: chDB runs one statement at a time per session, so the
 * SQL gateway answers on a second session of the same folder. Proof without timing: each answer
 * says how many load statements were executing in the engine while it was computed (from
 * system.processes); had it waited for the load's session, that number would always be 0.
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Warehouse } from '../clickhouse/client';
import { startSqlGateway, type SqlGateway } from '../clickhouse/sqlGateway';
import { gatewayStateFile } from '../workers/cartwheelWorker';
import { loadDay } from './helpers/loadDay';
import { testDataDir } from './helpers/pipeline';
import { runDay } from './helpers/runActivities';
import { freshWarehouse, scalar } from './helpers/warehouse';

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
  let gateway: SqlGateway;
  let client: ClickHouseClient;
  let lines: number;

  before(async () => {
    warehouse = await freshWarehouse();
    await data.generate(DAY, BIG_DAY_ORDERS);
    await runDay(data.settings, warehouse, DAY);
    lines = await scalar(warehouse, 'SELECT count() FROM fact_sales');
    gateway = await startSqlGateway(warehouse, 0, gatewayStateFile(data.settings.dataDir));
    client = createClient({ url: gateway.url, log: { level: ClickHouseLogLevel.OFF } });
  });
  after(async () => {
    await client?.close();
    await gateway?.close();
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

  it('answers through the gateway during load statements, and never shows a half-swapped month', async () => {
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
    report('gateway (HTTP client)', probes, loads);
    assert.ok(during.length >= 5, `only ${during.length} of ${probes.length} answers came while a load statement was executing`);
    // The month is swapped table by table, each atomically: a reader sees all of it or all of the last one.
    assert.deepEqual([...new Set(probes.map((p) => p.lines))], [lines]);
  });

  it('npm run sql (another process) answers while the worker is loading', async () => {
    const cli = path.join(__dirname, '..', 'ops', 'sql.ts');
    // CLICKHOUSE_URL emptied: the server-mode tests may set it, and this child must use the gateway.
    const env = { ...process.env, CLICKHOUSE_URL: '', CARTWHEEL_DATA_DIR: data.settings.dataDir, CARTWHEEL_CHDB_PATH: warehouse.chdbPath };
    const { result: probes, loads } = await whileLoading(async () => {
      const probes: Probe[] = [];
      while (probes.length < MAX_CLI_PROBES && !probes.some((p) => p.loadStatements > 0)) {
        const started = performance.now();
        // This process owns the chDB folder: the child can only answer through the gateway.
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
