/**
 * Keep one row per key: the one with the greatest `latestBy` value; on a tie (or without latestBy)
 * the one that appears later in the file, since a later line of an export is the later write.
 *
 * The pipeline deduplicates in the engine (transformSql.ts, held to the same rule by
 * test/pipeline/transformEngine.test.ts; a change batch's file goes through the same transform). rowKey and
 * Deduplicator are only the in-memory model test/unit/properties.test.ts checks, and can go with that test.
 */
import type { TypedRow } from '../../domain/contracts';

export function rowKey(row: TypedRow, key: readonly string[]): string {
  return key.length === 1 ? String(row[key[0]]) : key.map((column) => String(row[column])).join('\u0000');
}

export class Deduplicator {
  private readonly kept = new Map<string, TypedRow>();
  private seen = 0;

  constructor(private readonly key: readonly string[], private readonly latestBy?: string) {}

  add(row: TypedRow): void {
    this.seen += 1;
    const id = rowKey(row, this.key);
    const current = this.kept.get(id);
    if (!current || !this.latestBy || Number(row[this.latestBy]) >= Number(current[this.latestBy])) {
      this.kept.set(id, row);
    }
  }

  get rowsSeen(): number {
    return this.seen;
  }

  get duplicatesRemoved(): number {
    return this.seen - this.kept.size;
  }

  /** Survivors in file order, so the output is the same for the same input. */
  rows(): TypedRow[] {
    return [...this.kept.values()].sort((a, b) => Number(a.source_line) - Number(b.source_line));
  }
}
