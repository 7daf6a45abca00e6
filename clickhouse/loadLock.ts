/**
 * One month load at a time per warehouse, across worker processes: a lease held in the warehouse
 * itself, so every worker that can load can also take it, and no other service is needed.
 *
 * The lock is a numbered table, `__load_lock_<generation>`: creating a table of a given name succeeds
 * for exactly one caller (TABLE_ALREADY_EXISTS for the rest), so whoever creates generation g+1 holds
 * the lock. A holder writes a row now and then (its lease) and a `released` row when done. The next
 * generation may be created only when the newest one is released, its lease ran out (its holder
 * died), or it was taken by the same activity (a retry after its worker died: Temporal keeps the
 * activity id across attempts). Older generations are dropped by the next holder.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { currentWork } from '../pipeline/workContext';
import type { Warehouse } from './client';

// A load's own table, like its staging tables (`__load_`): backups leave it out (backup_tables.sql).
export const LOAD_LOCK_PREFIX = '__load_lock_';
/** A holder writes its lease this often; a lease older than LEASE_SECONDS belongs to a dead holder. */
const REFRESH_MS = 20_000;
const LEASE_SECONDS = 120;
const POLL_MS = 1_000;

export async function withLoadLock<T>(warehouse: Warehouse, work: () => Promise<T>, holder = lockHolder()): Promise<T> {
  const lock = await acquire(warehouse, holder);
  const refresh = setInterval(() => void writeLease(warehouse, lock, holder, 0).catch(() => undefined), REFRESH_MS);
  try {
    return await work();
  } finally {
    clearInterval(refresh);
    // A release that fails (warehouse down) leaves a lease that runs out by itself.
    await writeLease(warehouse, lock, holder, 1).catch(() => undefined);
  }
}

/** Who holds the lock: the activity across its attempts, else this process's call. */
function lockHolder(): string {
  return currentWork()?.holder ?? `process-${process.pid}-${randomBytes(4).toString('hex')}`;
}

async function acquire(warehouse: Warehouse, holder: string): Promise<string> {
  for (;;) {
    // A warehouse that cannot be reached fails the attempt with its own error (Temporal retries it
    // with backoff); waiting here instead would end the attempt as a heartbeat timeout that says nothing.
    const newest = await newestLock(warehouse);
    // A lock dropped since it was listed (a newer generation took over) is read again from the top.
    const free = newest === null || (await isFree(warehouse, newest, holder).catch((error: unknown) => (isUnknownTable(error) ? false : Promise.reject(error))));
    if (!free) {
      currentWork()?.heartbeat({ step: 'waiting for the load before it (another worker)' });
      await delay(POLL_MS);
      continue;
    }
    const next = `${LOAD_LOCK_PREFIX}${(newest?.generation ?? 0) + 1}`;
    try {
      await warehouse.client.command({
        query: `CREATE TABLE ${next} ENGINE = MergeTree ORDER BY tuple() AS SELECT {holder:String} AS holder, now64(3) AS at, toUInt8(0) AS released`,
        query_params: { holder },
      });
    } catch (error) {
      if (/already exists/i.test((error as Error).message)) continue; // another worker took this generation first
      throw error;
    }
    await dropOlderThan(warehouse, (newest?.generation ?? 0) + 1);
    return next;
  }
}

interface LockTable {
  name: string;
  generation: number;
  /** Seconds since the table was created. */
  age: number;
}

/** The newest generation, or null when there is none yet. */
async function newestLock(warehouse: Warehouse): Promise<LockTable | null> {
  const locks = await lockTables(warehouse);
  return locks.length === 0 ? null : locks[locks.length - 1];
}

async function lockTables(warehouse: Warehouse): Promise<LockTable[]> {
  const result = await warehouse.client.query({
    query: `SELECT name, dateDiff('second', metadata_modification_time, now()) AS age
            FROM system.tables WHERE database = currentDatabase() AND startsWith(name, {prefix:String})`,
    query_params: { prefix: LOAD_LOCK_PREFIX },
    format: 'JSONEachRow',
  });
  return (await result.json<{ name: string; age: number | string }>())
    .filter(({ name }) => /^__load_lock_\d+$/.test(name))
    .map(({ name, age }) => ({ name, generation: Number(name.slice(LOAD_LOCK_PREFIX.length)), age: Number(age) }))
    .sort((a, b) => a.generation - b.generation);
}

function isUnknownTable(error: unknown): boolean {
  return String((error as { code?: unknown }).code) === '60' || /UNKNOWN_TABLE/.test(String((error as Error)?.message));
}

async function isFree(warehouse: Warehouse, lock: LockTable, holder: string): Promise<boolean> {
  const result = await warehouse.client.query({
    query: `SELECT argMax(holder, at) AS holder, max(released) AS released,
                   max(at) < now64(3) - toIntervalSecond({lease:UInt32}) AS expired
            FROM ${lock.name}`,
    query_params: { lease: LEASE_SECONDS },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ holder: string; released: number | string; expired: number | string | boolean }>();
  // No row yet: its creator is between CREATE and the row (CREATE ... AS SELECT), or died there.
  if (!row || row.holder === '') return lock.age > LEASE_SECONDS;
  return Number(row.released) === 1 || Number(row.expired) === 1 || row.expired === true || row.holder === holder;
}

async function writeLease(warehouse: Warehouse, lock: string, holder: string, released: 0 | 1): Promise<void> {
  await warehouse.client.command({
    query: `INSERT INTO ${lock} SELECT {holder:String}, now64(3), toUInt8({released:UInt8})`,
    query_params: { holder, released },
  });
}

async function dropOlderThan(warehouse: Warehouse, generation: number): Promise<void> {
  for (const lock of await lockTables(warehouse).catch(() => [])) {
    if (lock.generation < generation) await warehouse.client.command({ query: `DROP TABLE IF EXISTS ${lock.name}` }).catch(() => undefined);
  }
}
