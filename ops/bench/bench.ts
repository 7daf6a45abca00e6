/**
 * `npm run bench -- --orders N`: generate a day of N orders (cached under data/bench/), then run the
 * pipeline over it exactly as dailyLoad's activities do (ingest, transform, quality gate, stage, all
 * sources at once, in the engine), and beside it, on the same files in the same run, the contenders:
 * a DuckDB pipeline doing the same kind of work and chDB's plain CSV -> Parquet copy. Each reports
 * rows/s, CPU-seconds per million source rows and peak RSS. The last line is machine-readable:
 *
 *   total_rows_per_s=N peak_rss_mb=N ratio_vs_baseline=R ratio_vs_duckdb=D cpu_s_per_mrows=C
 *
 * The machine may be shared: CPU-seconds and ratios measured in one run are the figures that hold.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { SOURCE_NAMES } from '../../domain/contracts';
import { DataLayout } from '../../domain/layout';
import { openWarehouse, type Warehouse, type WarehouseConfig } from '../../clickhouse/client';
import { localServer } from '../../clickhouse/server/localServer';
import { migrate } from '../../clickhouse/migrate';
import { describeWarehouse, loadConfig, REPO_ROOT } from '../../workers/config';
import { generateDailyExport } from '../generate/sampleData';
import { gateCounts } from '../../pipeline/accounts';
import { runChdbBaseline, runDuckdbPipeline, type ContenderResult } from './contenders';
import { PeakMemory } from './peakMemory';
import { measureQueryLatency } from './queryLatency';

const BUSINESS_DATE = '2024-03-10';

const argsSchema = z.object({
  orders: z.coerce.number().int().positive().default(1_000_000),
  seed: z.coerce.number().int().default(42),
  /** Contenders to run beside the pipeline on the same files. */
  contenders: z.enum(['yes', 'no']).default('yes'),
  /** Also load the staged day into the warehouse and time every named query. */
  queries: z.enum(['yes', 'no']).default('yes'),
  /**
   * server (default, as npm start runs it): the bench folder's own chDB server, or CLICKHOUSE_URL's;
   * embedded: chDB in this process (every statement queues on its one session).
   */
  warehouse: z.enum(['server', 'embedded']).default('server'),
});

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { orders: { type: 'string' }, seed: { type: 'string' }, contenders: { type: 'string' }, queries: { type: 'string' }, warehouse: { type: 'string' } } });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  const args = parsed.data;
  const config = loadConfig();
  const dataDir = path.join(REPO_ROOT, 'data', 'bench', `${args.orders}-${args.seed}`);
  const layout = new DataLayout(dataDir);

  if (!SOURCE_NAMES.every((s) => existsSync(layout.landingFile(BUSINESS_DATE, s)))) {
    console.log(`generating ${args.orders.toLocaleString('en')} orders into ${layout.landingDir(BUSINESS_DATE)} (not timed)...`);
    await generateDailyExport({ businessDate: BUSINESS_DATE, orders: args.orders, seed: args.seed, outDir: layout.landingDir(BUSINESS_DATE) });
  }
  const files = SOURCE_NAMES.map((s) => layout.landingFile(BUSINESS_DATE, s));
  const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
  for (const folder of ['work', 'staging', 'quarantine', 'reports']) rmSync(path.join(dataDir, folder), { recursive: true, force: true });
  console.log(`input: ${(bytes / 2 ** 20).toFixed(0)} MiB of CSV, ${args.orders.toLocaleString('en')} orders; load: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const { warehouse, description, serverPid, release } = await benchWarehouse(dataDir, args.warehouse);
  console.log(`warehouse: ${description}`);
  try {
    const settings = { ...config.pipeline, dataDir };
    const activities = createActivities({ settings, warehouse });
    const memory = new PeakMemory(serverPid);
    const cpu = new CpuMeter(serverPid);
    const started = performance.now();
    const stepTimes: Record<string, { seconds: number; peakMb: number }> = {};
    const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const stepMemory = new PeakMemory(serverPid);
      const result = await work();
      stepTimes[name] = { seconds: (performance.now() - t0) / 1000, peakMb: stepMemory.stop() };
      return result;
    };
    // As dailyLoad runs them: every source at once in each stage.
    const ingested = await step('ingest', () => Promise.all(SOURCE_NAMES.map((source) => activities.ingestSource({ businessDate: BUSINESS_DATE, source }))));
    const transformed = await step('transform', () => Promise.all(ingested.map(({ source, partitions }) => activities.transformSource({ businessDate: BUSINESS_DATE, source, partitions }))));
    const counts = Object.fromEntries(ingested.map((i) => [i.source, gateCounts(i, transformed.find((s) => s.source === i.source)!)]));
    const quality = await step('quality', () => activities.checkQuality({ businessDate: BUSINESS_DATE, counts } as Parameters<typeof activities.checkQuality>[0]));
    await step('stage', () => Promise.all(SOURCE_NAMES.map((source) => activities.stageSource({ businessDate: BUSINESS_DATE, source }))));
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = cpu.seconds();
    const peakMb = memory.stop();

    const totalRows = ingested.reduce((sum, s) => sum + s.rowsRead, 0);
    for (const i of ingested) {
      const t = transformed.find((s) => s.source === i.source)!;
      console.log(`${i.source.padEnd(10)} ${String(i.rowsRead).padStart(10)} rows  (staged ${t.rowsOut}, quarantined ${i.rowsQuarantined + t.rowsQuarantined}, duplicates ${t.duplicatesRemoved}, dropped ${t.rowsDropped})`);
    }
    console.log(`steps: ${Object.entries(stepTimes).map(([name, s]) => `${name} ${s.seconds.toFixed(1)} s (peak RSS ${s.peakMb} MiB)`).join(', ')}; quality verdict ${quality.verdict}`);
    const ours: ContenderResult = { rows: totalRows, seconds, cpuSeconds, peakRssMb: peakMb };
    report('cartwheel (engine)', ours);

    if (args.queries === 'yes') await benchQueries(activities, warehouse);

    let baseline: ContenderResult | undefined;
    let duckdb: ContenderResult | undefined;
    if (args.contenders === 'yes') {
      duckdb = await runDuckdbPipeline(layout.landingDir(BUSINESS_DATE), path.join(dataDir, 'contenders', 'duckdb'));
      report('DuckDB pipeline, same files', duckdb);
      baseline = await runChdbBaseline(files);
      report('chDB CSV -> Parquet copy (no validation)', baseline);
    }
    const rate = (r: ContenderResult) => r.rows / r.seconds;
    const ratio = (other?: ContenderResult) => (other ? (rate(ours) / rate(other)).toFixed(3) : 'n/a');
    console.log(
      `total_rows_per_s=${Math.round(rate(ours))} peak_rss_mb=${peakMb} ratio_vs_baseline=${ratio(baseline)} ratio_vs_duckdb=${ratio(duckdb)} cpu_s_per_mrows=${perMillion(ours).toFixed(2)}`,
    );
  } finally {
    await warehouse.close();
    await release();
  }
}

function report(name: string, r: ContenderResult): void {
  console.log(`${name.padEnd(42)} ${Math.round(r.rows / r.seconds).toLocaleString('en').padStart(10)} rows/s  ${r.seconds.toFixed(1).padStart(6)} s  ${perMillion(r).toFixed(2).padStart(6)} CPU-s per M rows  peak RSS ${r.peakRssMb} MiB`);
}

function perMillion(r: ContenderResult): number {
  return r.cpuSeconds / (r.rows / 1e6);
}

/**
 * The bench's own warehouse, database `bench`, migrated afresh: CLICKHOUSE_URL's server, else (server)
 * a chDB server of the bench folder started for the run and stopped after it, or (embedded) chDB in
 * this process. The pipeline runs as the loader, as the worker does; the admin migrates.
 */
async function benchWarehouse(dataDir: string, kind: 'server' | 'embedded'): Promise<{ warehouse: Warehouse; description: string; serverPid: number; release: () => Promise<void> }> {
  const config = loadConfig();
  if (config.warehouse.url) {
    const settings = { ...config.warehouse, database: 'bench' };
    await freshServerDatabase(settings);
    return { warehouse: await openWarehouse(settings), description: describeWarehouse(settings), serverPid: Number(process.env.CARTWHEEL_CLICKHOUSE_PID ?? 0), release: async () => {} };
  }
  if (kind === 'embedded') {
    const settings = { database: 'bench', chdbPath: path.join(dataDir, 'warehouse') };
    const warehouse = await openWarehouse(settings);
    await warehouse.client.command({ query: 'DROP DATABASE IF EXISTS bench' });
    await warehouse.client.command({ query: 'CREATE DATABASE bench' });
    await warehouse.client.command({ query: 'USE bench' });
    await migrate(warehouse);
    return { warehouse, description: describeWarehouse(settings), serverPid: 0, release: async () => {} };
  }
  const local = await localServer({ dataDir, database: 'bench', httpPort: 0, tcpPort: 0 });
  try {
    await freshServerDatabase(local.config('admin'));
    const settings = local.config('loader');
    return { warehouse: await openWarehouse(settings), description: `${describeWarehouse(settings)} (this run's own, pid ${local.server.pid})`, serverPid: local.server.pid, release: () => local.release() };
  } catch (error) {
    await local.release();
    throw error;
  }
}

/**
 * Drop the database and migrate it afresh on a server, as `admin` (who may). The drop goes through
 * another database: a request's own database must exist; openWarehouse creates it again.
 */
async function freshServerDatabase(admin: WarehouseConfig): Promise<void> {
  const system = await openWarehouse({ ...admin, database: 'system' });
  await system.client.command({ query: `DROP DATABASE IF EXISTS ${admin.database} SYNC` }).finally(() => system.close());
  const warehouse = await openWarehouse(admin);
  try {
    await migrate(warehouse);
  } finally {
    await warehouse.close();
  }
}

/**
 * CPU time of the work: this process (the embedded engine runs in it) plus, for a server on this
 * machine whose PID is known, the server's.
 */
class CpuMeter {
  private readonly start = process.cpuUsage();
  private readonly serverStart: number;

  constructor(private readonly serverPid: number) {
    this.serverStart = processCpuSeconds(serverPid);
  }

  seconds(): number {
    const own = process.cpuUsage(this.start);
    const server = this.serverPid ? processCpuSeconds(this.serverPid) - this.serverStart : 0;
    return (own.user + own.system) / 1e6 + server;
  }
}

/** utime + stime of a process from /proc (Linux), in seconds; 0 when unknown. */
function processCpuSeconds(pid: number): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** Load the staged month into the bench warehouse and time the named queries on it. */
async function benchQueries(activities: ReturnType<typeof createActivities>, warehouse: Warehouse): Promise<void> {
  const started = performance.now();
  const loaded = await activities.loadWarehouse({ businessDate: BUSINESS_DATE });
  console.log(`warehouse load of the month: ${((performance.now() - started) / 1000).toFixed(1)} s (${loaded.monthRows.fact_sales ?? '?'} order lines)`);
  for (const q of await measureQueryLatency(warehouse)) {
    console.log(`query ${q.name.padEnd(28)} ${String(q.ms).padStart(8)} ms  (${q.rows} rows, median of 3 warm runs)`);
  }
}

main().catch((error: Error) => {
  console.error(`bench failed: ${error.message}`);
  process.exit(1);
});
