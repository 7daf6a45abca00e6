/**
 * A business date's clean rows (the transform's Parquet parts in layout.pendingDir) as the warehouse
 * reads them with `file()`: quality checks are SQL aggregates over these, never JavaScript row
 * objects. Only counts and a few sample rows come back to the worker.
 *
 * Folders travel as query parameters (`{orders_dir:String}`), never spliced into SQL. A column's SQL
 * expression gives each storage kind one shape whatever the Parquet writer chose: timestamps as UTC
 * milliseconds (Int64), money as cents, and a column the parts lack as NULL (as a missing value is).
 */
import { readdirSync } from 'node:fs';
import type { Warehouse } from '../../clickhouse/client';
import { CONTRACTS, SOURCE_NAMES, stagedColumns, type ColumnSpec, type SourceName, type TypedRow } from '../../domain/contracts';
import type { DataLayout } from '../../domain/layout';
import { clickhouseTypeOf } from '../build/rawTables';
import type { FailingSample, RowDescriber } from './samples';

type SqlRow = Record<string, string | number | null>;

export class CleanSource {
  private readonly specs: Map<string, ColumnSpec>;

  constructor(
    readonly name: SourceName,
    /** Parquet part files found; none for a header-only export. */
    readonly parts: readonly string[],
    /** Column name → ClickHouse type as the parts hold it. */
    private readonly types: ReadonlyMap<string, string>,
  ) {
    this.specs = new Map(stagedColumns(name).map((c) => [c.name, c]));
  }

  /** The query parameter holding this source's folder. */
  get dirParam(): string {
    return `${this.name}_dir`;
  }

  /** The rows as a table expression; an export without parts is an empty relation. */
  get relation(): string {
    return this.parts.length === 0 ? '(SELECT 1 AS none LIMIT 0)' : `file({${this.dirParam}:String} || '/*.parquet', Parquet)`;
  }

  /**
   * A `file()` structure declaring the given columns with their contract types (as the load's raw
   * tables do): with it, a folder without parts reads as no rows.
   */
  structure(columns: readonly string[]): string {
    return columns.map((c) => `${identifier(c)} ${clickhouseTypeOf({ ...this.spec(c), nullable: true })}`).join(', ');
  }

  has(column: string): boolean {
    return this.types.has(column);
  }

  /** ClickHouse type of a column in the parts, without Nullable / LowCardinality. */
  typeOf(column: string): string | undefined {
    let type = this.types.get(column);
    while (type !== undefined && /^(Nullable|LowCardinality)\(.*\)$/.test(type)) type = type.slice(type.indexOf('(') + 1, -1);
    return type;
  }

  /** The column as the checks compare it: timestamps in UTC milliseconds; absent: NULL. */
  col(column: string): string {
    if (!this.has(column)) return 'NULL';
    const name = identifier(column);
    return /^DateTime/.test(this.typeOf(column)!) ? `toUnixTimestamp64Milli(toDateTime64(${name}, 3, 'UTC'))` : name;
  }

  spec(column: string): ColumnSpec {
    const spec = this.specs.get(column);
    if (!spec) throw new Error(`${column} is not a staged column of ${this.name}`);
    return spec;
  }
}

export class CleanData {
  private constructor(
    private readonly warehouse: Warehouse,
    private readonly sources: ReadonlyMap<SourceName, CleanSource>,
    private readonly params: Record<string, string>,
    readonly sampleSize: number,
  ) {}

  /** Finds each source's parts and reads their schema (Parquet metadata only). */
  static async open(warehouse: Warehouse, layout: DataLayout, businessDate: string, sampleSize: number): Promise<CleanData> {
    const params: Record<string, string> = { business_date: businessDate };
    const sources = new Map<SourceName, CleanSource>();
    for (const name of SOURCE_NAMES) {
      const dir = layout.pendingDir(businessDate, name);
      const parts = readdirSync(dir).filter((n) => n.endsWith('.parquet')).sort();
      params[`${name}_dir`] = dir;
      const types = new Map<string, string>();
      if (parts.length > 0) {
        const result = await warehouse.client.query({ query: `DESCRIBE file({dir:String} || '/*.parquet', Parquet)`, query_params: { dir }, format: 'JSONEachRow' });
        for (const { name: column, type } of await result.json<{ name: string; type: string }>()) types.set(column, type);
      }
      sources.set(name, new CleanSource(name, parts, types));
    }
    return new CleanData(warehouse, sources, params, sampleSize);
  }

  source(name: SourceName): CleanSource {
    return this.sources.get(name)!;
  }

  /** Runs a query with every source folder and the business date as parameters. */
  async query<T = SqlRow>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
    const result = await this.warehouse.client.query({ query, query_params: { ...this.params, ...params }, format: 'JSONEachRow' });
    return result.json<T>();
  }

  /**
   * Aggregates over one source's clean rows in one scan: alias → SQL expression. 64-bit results
   * arrive as strings from a server and as numbers from chDB; both come back as numbers.
   */
  async aggregate(source: SourceName, expressions: ReadonlyMap<string, string>): Promise<Map<string, number>> {
    const clean = this.source(source);
    const select = [...expressions].map(([alias, sql]) => `${sql} AS ${identifier(alias)}`);
    const [row] = await this.query(`SELECT ${select.join(', ')} FROM ${clean.relation}`);
    return new Map([...expressions.keys()].map((alias) => [alias, row[alias] === null ? NaN : Number(row[alias])]));
  }

  /**
   * The first failing rows (by line) as report samples: file, line, key and the given columns,
   * formatted by the describer (ciphertext is never read: it shows as `[encrypted]`).
   */
  async samples(describer: RowDescriber, options: { where: string; columns: readonly string[]; qualify?: string; reason?: string; limit?: number; params?: Record<string, unknown> }): Promise<FailingSample[]> {
    const limit = options.limit ?? this.sampleSize;
    const clean = this.source(describer.source);
    if (limit <= 0 || clean.parts.length === 0) return [];
    const wanted = [...new Set([...CONTRACTS[describer.source].key, ...options.columns])];
    const select = [`${clean.col('source_line')} AS _line`, ...wanted.map((c, i) => `${shown(clean, c)} AS _c${i}`)];
    const rows = await this.query(
      `SELECT ${select.join(', ')} FROM ${clean.relation} WHERE ${options.where}${options.qualify ? ` QUALIFY ${options.qualify}` : ''} ORDER BY _line LIMIT {sample_limit:UInt32}`,
      { ...options.params, sample_limit: limit },
    );
    return rows.map((row) => {
      const typed: TypedRow = { source_line: row._line };
      wanted.forEach((c, i) => (typed[c] = row[`_c${i}`]));
      return describer.sample(typed, options.columns, options.reason);
    });
  }
}

/** What a sample reads of a column: ciphertext only as "present or not", never its bytes. */
function shown(clean: CleanSource, column: string): string {
  if (clean.spec(column).protects?.form === 'encrypted') return `if(isNull(${clean.col(column)}), NULL, '')`;
  return clean.col(column);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Column names come from the contracts and the validated configuration; still, only plain names reach SQL. */
export function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a plain column name`);
  return name;
}
