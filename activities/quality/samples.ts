/**
 * Failing-row samples for the report on disk: file, line, key and the offending value only. They may
 * hold personal data, so they go to the report files and never into activity results, workflow
 * history or log lines.
 */
import { CONTRACTS, stagedColumns, type SourceName, type TypedRow } from '../contracts';
import type { StorageKind } from '../contracts/columns';

export interface FailingSample {
  file: string;
  line: number;
  key: string;
  value: string;
  reason?: string;
}

export class SampleList {
  readonly items: FailingSample[] = [];
  constructor(private readonly limit: number) {}

  get full(): boolean {
    return this.items.length >= this.limit;
  }

  add(sample: () => FailingSample): void {
    if (!this.full) this.items.push(sample());
  }
}

/** Where rows of a source came from and how to print their values, for samples. */
export class RowDescriber {
  private readonly storage: Map<string, StorageKind>;
  private readonly key: readonly string[];

  constructor(readonly source: SourceName, readonly file: string) {
    this.storage = new Map(stagedColumns(source).map((c) => [c.name, c.storage]));
    this.key = CONTRACTS[source].key;
  }

  sample(row: TypedRow, columns: readonly string[], reason?: string): FailingSample {
    return {
      file: this.file,
      line: Number(row.source_line),
      key: this.key.map((c) => `${c}=${this.format(c, row[c])}`).join(', '),
      value: columns.map((c) => (columns.length === 1 ? this.format(c, row[c]) : `${c}=${this.format(c, row[c])}`)).join(', '),
      ...(reason ? { reason } : {}),
    };
  }

  format(column: string, value: TypedRow[string] | undefined): string {
    if (value === null || value === undefined) return 'null';
    switch (this.storage.get(column)) {
      case 'timestamp':
        return Number.isFinite(Number(value)) ? new Date(Number(value)).toISOString() : String(value);
      case 'cents':
        return (Number(value) / 100).toFixed(2);
      default:
        return String(value);
    }
  }
}
