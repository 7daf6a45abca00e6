/**
 * The rule a change row is applied by, stated in TypeScript: the engine decides it in SQL
 * (changeDecisions.ts) and test/pipeline/changeBatchEngine.test.ts holds the two equal on generated cases;
 * this is the model, no pipeline code calls it. Decide, for each clean change row, what it does to
 * the warehouse. Versions are compared as
 * (updated_at, batch id): a row of a daily export has neither and is older than any change; between
 * two changes the later updated_at wins, and on equal updated_at the later batch id. The month build
 * orders versions the same way (clickhouse/load/fact_sales.sql), so batches applied in any order
 * converge to the same warehouse.
 *
 * - applied: newer than a loaded version of its key. Staged under that version's business date, and
 *   that month is rebuilt.
 * - already applied: not newer than any loaded version. Listed with the reason, nothing rebuilt. If
 *   the loaded version is this very row (an earlier run of the same batch), it is staged again, so
 *   the staged month keeps what the warehouse holds.
 * - not loaded: no row of its key is in the warehouse; quarantined (its day must be loaded first).
 *
 * A key loaded on several business dates (an order exported twice) is changed on each of them.
 */
import type { TypedRow } from '../../domain/contracts';

/** A version of a key the warehouse holds (loadedVersions.ts). */
export interface LoadedVersion {
  businessDate: string;
  /** Epoch milliseconds, or null for a row as its daily export delivered it. */
  updatedAt: number | null;
  /** '' for a row of a daily export. */
  batch: string;
}

export interface Version {
  updatedAt: number | null;
  batch: string;
}

export interface ClassifiedChanges {
  /** Rows to stage, each carrying the business date of the loaded row it replaces. */
  staged: TypedRow[];
  applied: number;
  alreadyApplied: { row: TypedRow; reason: string }[];
  notLoaded: TypedRow[];
  /** Months to rebuild (YYYYMM) with the earliest business date they are rebuilt for. */
  months: Map<number, string>;
  /** Applied rows per month to rebuild. */
  appliedByMonth: Map<number, number>;
}

/** Negative when a is older than b, positive when newer, 0 for the same version. */
export function compareVersions(a: Version, b: Version): number {
  const ta = a.updatedAt ?? -Infinity;
  const tb = b.updatedAt ?? -Infinity;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.batch < b.batch ? -1 : a.batch > b.batch ? 1 : 0;
}

export function classifyChanges(rows: readonly TypedRow[], versionsOf: (row: TypedRow) => readonly LoadedVersion[] | undefined, batchId: string): ClassifiedChanges {
  const result: ClassifiedChanges = { staged: [], applied: 0, alreadyApplied: [], notLoaded: [], months: new Map(), appliedByMonth: new Map() };
  for (const row of rows) {
    const loaded = versionsOf(row);
    if (!loaded || loaded.length === 0) {
      result.notLoaded.push(row);
      continue;
    }
    const change: Version = { updatedAt: Number(row.updated_at), batch: batchId };
    const rebuilt = new Set<number>();
    const newest: LoadedVersion[] = [];
    for (const version of loaded) {
      const order = compareVersions(change, version);
      if (order < 0) {
        newest.push(version);
        continue;
      }
      result.staged.push({ ...row, business_date: version.businessDate });
      if (order === 0) continue;
      const month = Number(version.businessDate.slice(0, 7).replace('-', ''));
      const earliest = result.months.get(month);
      if (earliest === undefined || version.businessDate < earliest) result.months.set(month, version.businessDate);
      rebuilt.add(month);
    }
    if (rebuilt.size > 0) {
      result.applied += 1;
      for (const month of rebuilt) result.appliedByMonth.set(month, (result.appliedByMonth.get(month) ?? 0) + 1);
    } else {
      result.alreadyApplied.push({ row, reason: newest.length > 0 ? supersededReason(newest) : 'already applied by this batch (an earlier run of it): the warehouse holds this version' });
    }
  }
  return result;
}

function supersededReason(newer: readonly LoadedVersion[]): string {
  // The newest of them; between equal versions (a key loaded on two dates), the later business date.
  const v = newer.reduce((a, b) => {
    const order = compareVersions(a, b);
    return order > 0 || (order === 0 && a.businessDate >= b.businessDate) ? a : b;
  });
  return `not newer than the loaded version (updated_at ${v.updatedAt === null ? 'none' : new Date(v.updatedAt).toISOString()}, change batch ${v.batch || 'none: daily export'}, business date ${v.businessDate}): nothing to apply`;
}
