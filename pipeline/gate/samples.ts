/**
 * Failing-row samples for the report on disk: file, line, key and the offending value only. They go
 * to the report files and never into activity results, workflow history or log lines. Personal data
 * shows masked: clean rows hold it as ciphertext, token and masked value (ciphertext prints as
 * `[encrypted]`), and a personal value met in plaintext (a quarantine file) is masked here.
 */
import { CONTRACTS, stagedColumns, type ColumnSpec, type SourceName, type TypedRow } from '../../domain/contracts';
import type { PersonalKind, StorageKind } from '../../domain/contracts/columns';
import { maskPersonal } from '../../domain/security/masking';

/** How a sample shows a value of a personal column of the contract (as delivered): masked. */
export function samplePersonalValue(kind: PersonalKind, value: string): string {
  return value === '' ? '' : maskPersonal(kind, value);
}

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
  private readonly columns: Map<string, ColumnSpec>;
  private readonly key: readonly string[];

  constructor(readonly source: SourceName, readonly file: string) {
    this.columns = new Map(stagedColumns(source).map((c) => [c.name, c]));
    this.storage = new Map([...this.columns].map(([name, c]) => [name, c.storage]));
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
    // Ciphertext says nothing to a reader and is long: the report names it instead.
    if (this.columns.get(column)?.protects?.form === 'encrypted') return '[encrypted]';
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
