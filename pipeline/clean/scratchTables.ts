/**
 * Scratch tables of the engine's row work: a transform's partition table (`_transform_…`) and a
 * change batch's rows (`_changes_…`) live only while one statement sequence runs and are dropped
 * after it. A worker that dies mid-way leaves its table behind (a Memory table keeps its definition
 * across restarts, empty); the next transform sweeps such leftovers: a table untouched for longer
 * than any partition takes (each partition re-creates its table) belongs to no running attempt.
 * A process sweeps once per warehouse it opened: leftovers come from dead processes, not from it.
 */
import type { Warehouse } from '../../clickhouse/client';

export const SCRATCH_PREFIXES = ['_transform_', '_changes_'] as const;

/** Leftovers are tables of these prefixes created more than this long ago. */
export const STALE_AFTER_SECONDS = 3_600;

/** A scratch table's name: the prefix and a token unique to the attempt. */
export function scratchTable(prefix: (typeof SCRATCH_PREFIXES)[number], token: string): string {
  return `${prefix}${token.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** Drop scratch tables left by attempts that died; returns their names. */
export async function dropStaleScratchTables(warehouse: Warehouse, staleAfterSeconds = STALE_AFTER_SECONDS): Promise<string[]> {
  const result = await warehouse.client.query({
    query: `SELECT name FROM system.tables
      WHERE database = currentDatabase() AND (${SCRATCH_PREFIXES.map((_, i) => `startsWith(name, {p${i}:String})`).join(' OR ')})
        AND metadata_modification_time <= now() - toIntervalSecond({stale:UInt32})`,
    query_params: { ...Object.fromEntries(SCRATCH_PREFIXES.map((p, i) => [`p${i}`, p])), stale: staleAfterSeconds },
    format: 'JSONEachRow',
  });
  const names = (await result.json<{ name: string }>()).map((r) => r.name).filter((name) => /^[A-Za-z0-9_]+$/.test(name));
  for (const name of names) await warehouse.client.command({ query: `DROP TABLE IF EXISTS ${name}` });
  return names;
}

const swept = new WeakSet<Warehouse>();

/** dropStaleScratchTables the first time this process transforms on `warehouse`. */
export async function sweepOnce(warehouse: Warehouse): Promise<void> {
  if (swept.has(warehouse)) return;
  await dropStaleScratchTables(warehouse);
  swept.add(warehouse);
}
