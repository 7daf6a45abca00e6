/**
 * Data one source's checks need from another source (foreign-key targets, sums per group), collected
 * while that other source is read, so every source is read once.
 */
import type { SourceName, TypedRow } from '../contracts';
import type { ResolvedCheck } from './resolveChecks';

interface Collector {
  add(row: TypedRow): void;
}

export class CrossSourceIndex {
  private readonly values = new Map<string, Set<string>>();
  private readonly sums = new Map<string, Map<string, { sum: number; line: number }>>();
  private readonly collectors = new Map<SourceName, Collector[]>();

  constructor(checks: readonly ResolvedCheck[]) {
    for (const check of checks) {
      if (check.kind === 'foreign_key') this.requestValues(check.references.source, check.references.column);
      if (check.kind === 'sum_match') this.requestSums(check.other.source, check.other.group_by, check.other.column);
    }
  }

  collectorsFor(source: SourceName): readonly Collector[] {
    return this.collectors.get(source) ?? [];
  }

  columnValues(source: SourceName, column: string): ReadonlySet<string> {
    return this.values.get(`${source}.${column}`) ?? new Set();
  }

  groupSums(source: SourceName, groupBy: string, column: string): ReadonlyMap<string, { sum: number; line: number }> {
    return this.sums.get(`${source}.${groupBy}.${column}`) ?? new Map();
  }

  private requestValues(source: SourceName, column: string): void {
    const id = `${source}.${column}`;
    if (this.values.has(id)) return;
    const set = new Set<string>();
    this.values.set(id, set);
    this.collect(source, { add: (row) => void (row[column] !== null && set.add(String(row[column]))) });
  }

  private requestSums(source: SourceName, groupBy: string, column: string): void {
    const id = `${source}.${groupBy}.${column}`;
    if (this.sums.has(id)) return;
    const sums = new Map<string, { sum: number; line: number }>();
    this.sums.set(id, sums);
    this.collect(source, {
      add: (row) => {
        const group = String(row[groupBy]);
        const entry = sums.get(group) ?? { sum: 0, line: Number(row.source_line) };
        entry.sum += Number(row[column] ?? 0);
        sums.set(group, entry);
      },
    });
  }

  private collect(source: SourceName, collector: Collector): void {
    this.collectors.set(source, [...this.collectorsFor(source), collector]);
  }
}
