/**
 * The yardstick: chDB (ClickHouse in process) converting the same CSV files to snappy Parquet, with
 * no validation at all. Run as a child process with its own scratch engine folder, so it never
 * competes with a warehouse for chDB's one-folder-per-process rule.
 */
import { Session } from 'chdb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface BaselineResult {
  rows: number;
  /** Wall time of the conversions (and their row counts), from an open engine session. */
  seconds: number;
  /** process.cpuUsage() of this child over the same work, user + system, all threads. */
  cpuSeconds: number;
  /** The same over the whole process lifetime (Node and tsx start included). */
  processCpuSeconds: number;
  /** process.resourceUsage().maxRSS / 1024. */
  peakRssMb: number;
}

async function main(): Promise<void> {
  const files = process.argv.slice(2);
  const scratch = mkdtempSync(path.join(tmpdir(), 'cartwheel-baseline-'));
  const session = new Session(path.join(scratch, 'engine'));
  try {
    let rows = 0;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (const file of files) {
      const target = path.join(scratch, `${path.basename(file, '.csv')}.parquet`);
      session.query(
        `INSERT INTO FUNCTION file('${target}', Parquet) SELECT * FROM file('${file}', CSVWithNames)
         SETTINGS output_format_parquet_compression_method = 'snappy', input_format_csv_allow_variable_number_of_columns = 1`,
      );
      rows += Number(session.query(`SELECT count() FROM file('${target}', Parquet)`, 'CSV').trim());
    }
    const seconds = (performance.now() - started) / 1000;
    const work = process.cpuUsage(cpuBefore);
    const total = process.cpuUsage();
    const result: BaselineResult = {
      rows,
      seconds,
      cpuSeconds: (work.user + work.system) / 1e6,
      processCpuSeconds: (total.user + total.system) / 1e6,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    session.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
