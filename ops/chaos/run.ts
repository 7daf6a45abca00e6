/**
 * `npm run chaos`: every fault against real processes on this machine, one after another, then the
 * ingestion fuzz; prints one line per fault and the summary line
 *   faults_tried=N faults_survived=N rows_lost=N fuzz_cases=N
 * and exits non-zero when a fault was not survived, rows were lost or the fuzz failed.
 * CARTWHEEL_FUZZ_RUNS sets the fuzz cases per property (default 1000, two properties).
 */
import { damagedParquet } from './damagedParquet';
import type { FaultResult } from './faultResult';
import { fullDisk } from './fullDisk';
import { runIngestFuzz } from './fuzzCases';
import { serverRestart } from './serverRestart';
import { warehouseUnreachable } from './warehouseUnreachable';
import { workerKill } from './workerKill';

const FAULTS: [string, () => Promise<FaultResult | undefined>][] = [
  ['worker SIGKILL mid-ingest and mid-load', () => workerKill()],
  ['Temporal dev server restart', () => serverRestart()],
  ['ClickHouse unreachable', () => warehouseUnreachable()],
  ['damaged staged Parquet', () => damagedParquet()],
  ['full disk', () => fullDisk()],
];

async function main(): Promise<number> {
  process.env.TZ = 'UTC';
  let tried = 0;
  let survived = 0;
  let rowsLost = 0;
  for (const [name, fault] of FAULTS) {
    const started = Date.now();
    let result: FaultResult | undefined;
    try {
      result = await fault();
    } catch (error) {
      // A fault whose harness broke counts as not survived: the suite cannot vouch for it.
      result = { fault: name, survived: false, rowsLost: 0, detail: `error: ${(error as Error).message}` };
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    if (!result) {
      console.log(`SKIP  ${name} (${seconds} s): not possible here (mounting a tmpfs needs root)`);
      continue;
    }
    tried += 1;
    if (result.survived && result.rowsLost === 0) survived += 1;
    rowsLost += result.rowsLost;
    console.log(`${result.survived ? 'OK  ' : 'FAIL'}  ${result.fault} (${seconds} s): ${result.detail}`);
  }
  let fuzzCases = 0;
  let fuzzFailed = false;
  try {
    fuzzCases = await runIngestFuzz(Number(process.env.CARTWHEEL_FUZZ_RUNS ?? 1000));
  } catch (error) {
    fuzzFailed = true;
    console.log(`FAIL  ingestion fuzz: ${(error as Error).message}`);
  }
  console.log(`faults_tried=${tried} faults_survived=${survived} rows_lost=${rowsLost} fuzz_cases=${fuzzCases}`);
  return survived === tried && rowsLost === 0 && !fuzzFailed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`chaos suite failed: ${error.message}`);
    process.exit(1);
  },
);
