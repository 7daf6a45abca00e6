/**
 * How long applying a change batch takes: a generated day of about `--lines` order lines is loaded
 * into a fresh embedded warehouse (its month), then a change batch re-exporting about `--changes` of
 * those lines (whole orders) plus payment corrections is applied as changeBatchLoad does (archive,
 * stage, rebuild the month, record), timed step by step; then the same batch again (a no-op).
 *
 *   npx tsx ops/bench/changeBatch.ts [--lines 100000] [--changes 10000] [--keep]
 *
 * Everything lives in a temporary folder (removed unless --keep). Prints one line per step and a last
 * line `change_rows_per_s=N apply_s=S noop_s=S`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createActivities } from '../../activities';
import { SOURCE_NAMES } from '../../domain/contracts';
import { DEFAULT_QUALITY_THRESHOLDS } from '../../domain/settings/index';
import { openWarehouse } from '../../clickhouse/client';
import { migrate } from '../../clickhouse/migrate';
import { loadEnvironment } from '../../workers/environments';
import { generateChangeBatch } from '../generate/changedRows';
import { generateDailyExport } from '../generate/sampleData';

const DAY = '2024-03-10';
const BATCH = '20240401T000000Z';
/** Generated orders have about 1.2 lines each. */
const LINES_PER_ORDER = 1.2;

async function main(): Promise<void> {
  process.env.TZ = 'UTC';
  const { values } = parseArgs({ options: { lines: { type: 'string', default: '100000' }, changes: { type: 'string', default: '10000' }, keep: { type: 'boolean', default: false } } });
  const lines = Number(values.lines);
  const changes = Number(values.changes);
  const root = mkdtempSync(path.join(tmpdir(), 'cartwheel-bench-changes-'));
  const dataDir = path.join(root, 'data');
  const settings = { ...loadEnvironment('dev'), dataDir, quality: { ...DEFAULT_QUALITY_THRESHOLDS } };
  const warehouse = await openWarehouse({ database: 'bench_changes', chdbPath: path.join(root, 'warehouse') });
  const timed = async <T>(step: string, work: () => Promise<T> | T): Promise<{ result: T; seconds: number }> => {
    const started = performance.now();
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    console.log(`${step.padEnd(44)} ${seconds.toFixed(2).padStart(8)} s`);
    return { result, seconds };
  };
  try {
    await migrate(warehouse);
    const activities = createActivities({ settings, warehouse });
    await timed(`generate ${DAY} (~${lines} lines)`, () => generateDailyExport({ businessDate: DAY, orders: Math.round(lines / LINES_PER_ORDER), seed: 7, defectRate: 0, outDir: path.join(dataDir, 'landing', DAY) }));
    await timed('ingest + transform + stage the day', async () => {
      const ingested = await Promise.all(SOURCE_NAMES.map((source) => activities.ingestSource({ businessDate: DAY, source })));
      await Promise.all(ingested.map(({ source, partitions }) => activities.transformSource({ businessDate: DAY, source, partitions })));
      await Promise.all(SOURCE_NAMES.map((source) => activities.stageSource({ businessDate: DAY, source })));
    });
    const day = await timed('load the month (baseline: a daily load)', () => activities.loadWarehouse({ businessDate: DAY }));
    console.log(`  month rows: fact_sales ${day.result.monthRows.fact_sales}, fact_payments ${day.result.monthRows.fact_payments}`);

    const generated = await timed(`generate change batch (~${changes} lines)`, () =>
      generateChangeBatch({ batchId: BATCH, fromDates: [DAY], dataDir, orders: Math.round(changes / LINES_PER_ORDER), payments: Math.round(changes / 10), seed: 3 }));
    const changedRows = generated.result.rows.orders + generated.result.rows.payments;
    console.log(`  change rows: orders ${generated.result.rows.orders}, payments ${generated.result.rows.payments}`);

    const apply = async (label: string) => {
      const startedAt = Date.now();
      const archived = await timed(`${label}: archive`, () => activities.archiveChangeBatch(BATCH));
      const staged = await timed(`${label}: stage (read, clean, look up, publish)`, () => activities.stageChangeBatch(BATCH));
      let load = 0;
      for (const { businessDate, month } of staged.result.months) load += (await timed(`${label}: rebuild month ${month}`, () => activities.loadWarehouse({ businessDate }))).seconds;
      const record = await timed(`${label}: record`, () => activities.recordChangeBatch({
        batchId: BATCH, runId: `bench-${label}`, workflowId: `changes-${BATCH}`, kind: 'incremental', status: 'succeeded', startedAt, staged: staged.result, files: archived.result.files,
      }));
      for (const s of staged.result.sources) console.log(`  ${s.source}: read ${s.rowsRead}, applied ${s.rowsApplied}, already applied ${s.rowsAlreadyApplied}, quarantined ${s.rowsQuarantined}`);
      return archived.seconds + staged.seconds + load + record.seconds;
    };
    const applySeconds = await apply('apply');
    const noopSeconds = await apply('again');
    console.log(`change_rows_per_s=${Math.round(changedRows / applySeconds)} apply_s=${applySeconds.toFixed(2)} noop_s=${noopSeconds.toFixed(2)}`);
  } finally {
    await warehouse.close();
    if (!values.keep) rmSync(root, { recursive: true, force: true });
    else console.log(`kept ${root}`);
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
