/**
 * The bench's contenders, each run as a child process on the same files (ops/bench/bench.ts calls
 * these): the DuckDB pipeline (duckdbPipeline.ts) and chDB's plain CSV -> Parquet copy (baseline.ts).
 * A child has its own engine, CPU time and peak RSS, so what it reports is its own.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BaselineResult } from './baseline';
import type { DuckdbResult } from './duckdbPipeline';

/** What every contender reports; `cpuSeconds` covers the work (process start excluded), all threads. */
export interface ContenderResult {
  rows: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

async function runChild<T>(script: string, args: string[]): Promise<T> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(__dirname, script), ...args], {
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 1 << 20,
  });
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${script} printed no JSON result: ${JSON.stringify(stdout.slice(-500))}`);
  }
}

/**
 * DuckDB doing cartwheel's kind of work on one business date's landing folder (typed read, rejects,
 * dedup, derived columns, snappy Parquet by year/month) into `outDir`, which it replaces.
 */
export function runDuckdbPipeline(landingDir: string, outDir: string, businessDate?: string): Promise<DuckdbResult> {
  return runChild<DuckdbResult>('duckdbPipeline.ts', [landingDir, outDir, ...(businessDate ? [businessDate] : [])]);
}

/** chDB converting the given CSV files to snappy Parquet, no validation: the yardstick. */
export function runChdbBaseline(files: string[]): Promise<BaselineResult> {
  return runChild<BaselineResult>('baseline.ts', files);
}
