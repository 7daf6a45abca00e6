/**
 * Fault 4: a staged Parquet file of an earlier day of the month damaged on disk, then the next day
 * loaded (which rebuilds the month from every staged file). Three damages: the file truncated, its
 * footer overwritten with the magic bytes intact, and one bit flipped inside a data page (which a
 * Parquet decoder may read without complaint). All are caught before any upload by the checksums
 * recorded at staging (the frame check and the engine's decoding errors remain for folders staged
 * before checksums existed). Each must fail the run non-retryably naming the file, and leave the
 * warehouse exactly as it was.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { DataLayout } from '../../domain/layout';
import { stagedFilesOfMonth } from '../../pipeline/build/stagedFiles';
import { CHAOS_DATE, landExport, startChaosStack } from './chaosStack';
import { runFailure, startDailyRun } from './dailyRun';
import type { FaultResult } from './faultResult';
import { compareChecksums, starChecksums } from './warehouseChecksums';
import { startWorker, type WorkerProcess } from './workerProcess';

export const DAMAGED_PARQUET = 'corrupted or truncated staged Parquet';
const NEXT_DAY = '2024-03-11';

const DAMAGES: Record<string, (bytes: Buffer) => Buffer> = {
  truncated: (bytes) => bytes.subarray(0, Math.floor(bytes.length / 2)),
  'footer overwritten': (bytes) => {
    const damaged = Buffer.from(bytes);
    const footer = damaged.readUInt32LE(damaged.length - 8);
    damaged.fill(0x55, damaged.length - 8 - footer, damaged.length - 8 - Math.floor(footer / 2));
    return damaged;
  },
  'bit flipped in a data page': (bytes) => {
    const damaged = Buffer.from(bytes);
    damaged[Math.floor(damaged.length / 3)] ^= 0x01;
    return damaged;
  },
};

export async function damagedParquet(orders = 1000): Promise<FaultResult> {
  const stack = await startChaosStack('damaged-parquet', { orders });
  let worker: WorkerProcess | undefined;
  try {
    const dataDir = await stack.dataDir('faulted');
    worker = await startWorker({ dataDir, temporalAddress: stack.server.address, taskQueue: 'faulted' });
    await (await startDailyRun(stack.client, 'faulted')).result();
    const before = await starChecksums(worker.warehouse!);
    await landExport(dataDir, NEXT_DAY, orders);
    const [victim] = await stagedFilesOfMonth(new DataLayout(dataDir), 'orders', CHAOS_DATE);
    const original = readFileSync(victim);

    const problems: string[] = [];
    const caughtBy: string[] = [];
    let rowsLost = 0;
    for (const [damage, apply] of Object.entries(DAMAGES)) {
      writeFileSync(victim, apply(original));
      try {
        const failure = await runFailure(await startDailyRun(stack.client, 'faulted', NEXT_DAY));
        if (failure?.type !== 'DamagedStagedFile' || !failure.message.includes(victim)) {
          problems.push(`${damage}: expected DamagedStagedFile naming the file, got ${failure ? failure.type : 'a successful load'}`);
        } else {
          caughtBy.push(`${damage}: ${/Parquet file, ([^;]+);/.exec(failure.message)?.[1] ?? '?'}`);
        }
        const { differing, rowsLost: lost } = compareChecksums(before, await starChecksums(worker.warehouse!));
        rowsLost += lost;
        if (differing.length > 0) problems.push(`${damage}: the warehouse changed (${differing.join(', ')})`);
      } finally {
        writeFileSync(victim, original);
      }
    }
    return {
      fault: DAMAGED_PARQUET,
      survived: problems.length === 0 && before.fact_sales.rows > 0,
      rowsLost,
      detail: problems.length === 0
        ? `a staged file of ${CHAOS_DATE} damaged, then ${NEXT_DAY} loaded: failed non-retryably naming the file (${caughtBy.join('; ')}); warehouse unchanged`
        : problems.join('; '),
    };
  } finally {
    await worker?.stop();
    await stack.close();
  }
}
