/**
 * `npm run bench -- --orders N`: generate a day of N orders (cached under data/bench/), then run
 * ingest + transform + stage over it exactly as the activities do (thread pool included), and report
 * rows/s per source and in total, peak RSS, and the ratio to chDB converting the same CSV to Parquet.
 * The last line is machine-readable:
 *
 *   total_rows_per_s=N peak_rss_mb=N ratio_vs_baseline=R
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { z } from 'zod';
import { SOURCE_NAMES, type SourceName } from '../../activities/contracts';
import { DataLayout } from '../../activities/files/layout';
import { stageSource } from '../../activities/stage/stageSource';
import { closeCpuPool, runCpuTask } from '../../activities/threads/cpuTasks';
import { loadConfig, REPO_ROOT } from '../../workers/config';
import { generateDailyExport } from '../generate/sampleData';
import type { BaselineResult } from './baseline';
import { PeakMemory } from './peakMemory';
import { measureQueryLatency } from './queryLatency';
import { openWarehouse } from '../../clickhouse/client';
import { migrate } from '../../clickhouse/migrate';
import { loadMonth } from '../../activities/load/loadMonth';
import { convertNdjsonPartitions } from '../../activities/transform/legacyNdjsonPartitions';
import { transformSource } from '../../activities/transform/transformSource';

const BUSINESS_DATE = '2024-03-10';

const argsSchema = z.object({
  orders: z.coerce.number().int().positive().default(1_000_000),
  seed: z.coerce.number().int().default(42),
  threads: z.coerce.number().int().min(0).max(64).optional(),
  baseline: z.enum(['chdb', 'none']).default('chdb'),
  /** Also load the staged day into an embedded warehouse and time every named query. */
  queries: z.enum(['yes', 'no']).default('yes'),
});

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { orders: { type: 'string' }, seed: { type: 'string' }, threads: { type: 'string' }, baseline: { type: 'string' }, queries: { type: 'string' } } });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  const args = parsed.data;
  const config = loadConfig();
  const threads = args.threads ?? config.pipeline.threads;
  const dataDir = path.join(REPO_ROOT, 'data', 'bench', `${args.orders}-${args.seed}`);
  const layout = new DataLayout(dataDir);

  if (!SOURCE_NAMES.every((s) => existsSync(layout.landingFile(BUSINESS_DATE, s)))) {
    console.log(`generating ${args.orders.toLocaleString('en')} orders into ${layout.landingDir(BUSINESS_DATE)} (not timed)...`);
    await generateDailyExport({ businessDate: BUSINESS_DATE, orders: args.orders, seed: args.seed, outDir: layout.landingDir(BUSINESS_DATE) });
  }
  const bytes = SOURCE_NAMES.reduce((sum, s) => sum + statSync(layout.landingFile(BUSINESS_DATE, s)).size, 0);
  rmSync(path.join(dataDir, 'work'), { recursive: true, force: true });
  console.log(`input: ${(bytes / 2 ** 20).toFixed(0)} MiB of CSV; threads: ${threads}; partition size: ${(config.pipeline.partitionBytes / 2 ** 20).toFixed(0)} MiB`);

  // The transform runs in the engine: the embedded warehouse benchQueries loads into later.
  const warehouse = await openWarehouse({ database: 'bench', chdbPath: path.join(dataDir, 'warehouse') });
  const memory = new PeakMemory();
  const started = performance.now();
  // Like dailyLoad: each source's ingest then transform, all sources at once; the pool spreads them.
  const perSource = await Promise.all(
    SOURCE_NAMES.map(async (source) => {
      const t0 = performance.now();
      const ingested = await runCpuTask('ingest', {
        dataDir, businessDate: BUSINESS_DATE, source,
        options: { dateFormats: config.pipeline.sources[source].dateFormats, partitionBytes: config.pipeline.partitionBytes },
      }, threads);
      // TEMPORARY until the engine ingest writes Parquet partitions itself (legacyNdjsonPartitions.ts).
      await convertNdjsonPartitions(warehouse, layout, BUSINESS_DATE, source, ingested.partitions);
      const transformed = await transformSource(warehouse, layout, { settings: config.pipeline.sources[source] }, { businessDate: BUSINESS_DATE, source, partitions: ingested.partitions });
      await stageSource(layout, { businessDate: BUSINESS_DATE, source });
      return { source, rows: ingested.rowsRead, seconds: (performance.now() - t0) / 1000, quarantined: ingested.rowsQuarantined + transformed.rowsQuarantined, deduplicated: transformed.duplicatesRemoved, out: transformed.rowsOut };
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const peakMb = memory.stop();
  await closeCpuPool();
  await warehouse.close();

  const totalRows = perSource.reduce((sum, s) => sum + s.rows, 0);
  for (const s of perSource) {
    console.log(`${s.source.padEnd(10)} ${String(s.rows).padStart(10)} rows  ${s.seconds.toFixed(1).padStart(6)} s  ${rate(s.rows, s.seconds).padStart(9)} rows/s  (staged ${s.out}, quarantined ${s.quarantined}, duplicates ${s.deduplicated})`);
  }
  const ours = totalRows / seconds;
  console.log(`total      ${String(totalRows).padStart(10)} rows  ${seconds.toFixed(1).padStart(6)} s  ${rate(totalRows, seconds).padStart(9)} rows/s  peak RSS ${peakMb} MiB`);

  if (args.queries === 'yes') await benchQueries(layout, dataDir);

  let ratio = 'n/a';
  if (args.baseline === 'chdb') {
    const baseline = await runBaseline(SOURCE_NAMES.map((s: SourceName) => layout.landingFile(BUSINESS_DATE, s)));
    console.log(`baseline: chDB CSV -> Parquet (snappy, no validation), same files: ${rate(baseline.rows, baseline.seconds)} rows/s (${baseline.seconds.toFixed(1)} s)`);
    ratio = (ours / (baseline.rows / baseline.seconds)).toFixed(3);
  }
  console.log(`total_rows_per_s=${Math.round(ours)} peak_rss_mb=${peakMb} ratio_vs_baseline=${ratio}`);
}

/** Load the staged day into a fresh embedded warehouse and time the named queries on it. */
async function benchQueries(layout: DataLayout, dataDir: string): Promise<void> {
  const warehouse = await openWarehouse({ database: 'bench', chdbPath: path.join(dataDir, 'warehouse') });
  try {
    await warehouse.client.command({ query: 'DROP DATABASE IF EXISTS bench' });
    await warehouse.client.command({ query: 'CREATE DATABASE bench' });
    await warehouse.client.command({ query: 'USE bench' });
    await migrate(warehouse);
    const started = performance.now();
    const loaded = await loadMonth(warehouse, layout, { businessDate: BUSINESS_DATE });
    console.log(`warehouse load of the month: ${((performance.now() - started) / 1000).toFixed(1)} s (${loaded.monthRows.fact_sales ?? '?'} order lines)`);
    for (const q of await measureQueryLatency(warehouse)) {
      console.log(`query ${q.name.padEnd(28)} ${String(q.ms).padStart(8)} ms  (${q.rows} rows, median of 3 warm runs)`);
    }
  } finally {
    await warehouse.close();
  }
}

function rate(rows: number, seconds: number): string {
  return Math.round(rows / seconds).toLocaleString('en');
}

async function runBaseline(files: string[]): Promise<BaselineResult> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(__dirname, 'baseline.ts'), ...files], {
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as BaselineResult;
}

main().catch((error: Error) => {
  console.error(`bench failed: ${error.message}`);
  process.exit(1);
});
