/**
 * Checks over keys: uniqueness of a key among the clean rows, foreign keys that must resolve in
 * another source or among the members the warehouse already holds, and sums per group that must
 * match another source's (payments against order totals). The cross-source ones are SQL joins of
 * the two sources' clean files (clickhouse/quality/foreign_key.sql, sum_match.sql); they and the
 * uniqueness counts run per hash bucket of their keys (below).
 */
import { readSql, renderSql } from '../../clickhouse/sqlFiles';
import { CONTRACTS, type SourceName } from '../../domain/contracts';
import { SOURCE_TABLES } from '../build/warehouseTables';
import { evaluate, share } from './checks';
import { resultBase, type EvaluationContext, type Evaluator } from './evaluator';
import type { ResolvedCheck } from './resolveChecks';
import type { FailingSample } from './samples';

export function uniqueEvaluator(check: Extract<ResolvedCheck, { kind: 'unique' }>, context: EvaluationContext): Evaluator {
  const columns = check.columns ?? CONTRACTS[check.source].key;
  const clean = context.clean.source(check.source);
  // A tuple, so rows without a value share one key (as they did as text) instead of being skipped.
  const key = `tuple(${columns.map((c) => clean.col(c)).join(', ')})`;
  // An exact distinct count holds every key it counts: per hash bucket of the key's text, a key is
  // in one bucket only, so the buckets' counts add up to the day's.
  const inBucket = `cityHash64(toString(${key})) % {buckets:UInt32} = {bucket:UInt32}`;
  return {
    async finish() {
      type Row = { rows: number | string; keys: number | string };
      const { totals } = await queryPerBucket<Row>(
        context,
        [check.source],
        { sql: `SELECT count() AS rows, uniqExact(${key}) AS keys FROM ${clean.relation} WHERE ${inBucket}`, params: {} },
        (r) => [Number(r.rows), Number(r.keys)],
        () => 0,
      );
      const [rows = 0, keys = 0] = totals;
      const repeated = rows - keys;
      // A repeat is every row of a key after its first line; each bucket's first ones, merged by line.
      const samples: FailingSample[] = [];
      const buckets = repeated > 0 ? bucketCount(context, [check.source]) : 0;
      for (let bucket = 0; bucket < buckets; bucket += 1) {
        samples.push(...(await context.clean.samples(context.describer(check.source), {
          where: inBucket,
          params: { buckets, bucket },
          qualify: `row_number() OVER (PARTITION BY ${key} ORDER BY ${clean.col('source_line')}) > 1`,
          columns,
        })));
      }
      return {
        result: evaluate({ ...resultBase(check), observed: share(repeated, rows), unit: 'share', note: `${repeated} of ${rows} rows repeat a key` }),
        samples: samples.sort((a, b) => a.line - b.line).slice(0, context.sampleSize),
      };
    },
  };
}

/**
 * Rows of the larger source per hash bucket of a key check. Its sets and groups hold every key of
 * the day at once: the 10M-order day's payments -> orders foreign key peaked at 5.2 GiB that way. Split by cityHash64 of the key's text, each bucket is checked alone and the results are
 * merged exactly as the one statement would have ordered and counted them. A day of up to this many
 * rows is one bucket, as before.
 */
export const ROWS_PER_BUCKET = 2_000_000;

/** One bucket per ROWS_PER_BUCKET rows read of the larger of `sources`. */
function bucketCount(context: EvaluationContext, sources: readonly SourceName[]): number {
  const rowsRead = Math.max(0, ...sources.map((source) => Number(context.counts[source]?.rowsRead ?? 0)));
  return Math.max(1, Math.ceil(rowsRead / ROWS_PER_BUCKET));
}

/**
 * A statement over one or two sources (its parameters, plus {limit}, {buckets} and {bucket}) run
 * once per hash bucket of `sources`' keys; the buckets' rows (each ordered and limited by the statement) merged in
 * `order` and cut to the sample limit, and the totals of each bucket's first row summed.
 */
async function queryPerBucket<Row>(
  context: EvaluationContext,
  sources: readonly SourceName[],
  query: { sql: string; params: Record<string, unknown> },
  totals: (row: Row) => number[],
  order: (a: Row, b: Row) => number,
): Promise<{ rows: Row[]; totals: number[] }> {
  const buckets = bucketCount(context, sources);
  const limit = Math.max(1, context.sampleSize);
  const rows: Row[] = [];
  let sums: number[] = [];
  for (let bucket = 0; bucket < buckets; bucket += 1) {
    const found = await context.clean.query<Row>(query.sql, { ...query.params, limit, buckets, bucket });
    if (found.length === 0) continue;
    sums = totals(found[0]).map((value, i) => value + (sums[i] ?? 0));
    rows.push(...found);
  }
  return { rows: rows.sort(order).slice(0, limit), totals: sums };
}

/** ClickHouse's order of two String values (bytes), NULL last. */
function byBytes(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export function foreignKeyEvaluator(check: Extract<ResolvedCheck, { kind: 'foreign_key' }>, context: EvaluationContext): Evaluator {
  const child = context.clean.source(check.source);
  const parent = context.clean.source(check.references.source);
  const members = SOURCE_TABLES[check.references.source];
  return {
    async finish() {
      const useMembers = await hasColumn(context, members, check.references.column);
      const sql = renderSql(readSql('quality/foreign_key.sql'), {
        column: check.column,
        parent_column: check.references.column,
        member_table: members,
        // Without the column in the warehouse the branch is switched off; it still has to parse.
        member_column: useMembers ? check.references.column : 'business_date',
      });
      type Row = { value: string; line: number | string; orphan: number | boolean; total_rows: number | string; orphan_rows: number | string };
      const { rows, totals } = await queryPerBucket<Row>(
        context,
        [check.source, check.references.source],
        {
          sql,
          params: {
            child_dir: context.layout.pendingDir(context.businessDate, check.source),
            child_structure: child.structure([...new Set([check.column, 'source_line'])]),
            parent_dir: context.layout.pendingDir(context.businessDate, check.references.source),
            parent_structure: parent.structure([check.references.column]),
            use_members: useMembers,
          },
        },
        (r) => [Number(r.total_rows), Number(r.orphan_rows)],
        // foreign_key.sql's ORDER BY orphan DESC, line, value
        (a, b) => Number(b.orphan) - Number(a.orphan) || Number(a.line) - Number(b.line) || byBytes(a.value, b.value),
      );
      const [total = 0, orphans = 0] = totals;
      const lines = rows.filter((r) => Number(r.orphan) === 1).map((r) => Number(r.line));
      const samples = lines.length === 0 ? [] : await context.clean.samples(context.describer(check.source), {
        where: `${child.col('source_line')} IN {orphan_lines:Array(Int64)}`,
        params: { orphan_lines: lines },
        columns: [check.column],
      });
      return {
        result: evaluate({ ...resultBase(check), observed: share(orphans, total), unit: 'share', note: `${orphans} of ${total} rows resolve to nothing` }),
        samples,
      };
    },
  };
}

/** Whether the warehouse table keeps a column of that name (members of earlier business dates). */
async function hasColumn(context: EvaluationContext, table: string, column: string): Promise<boolean> {
  const [row] = await context.clean.query<{ n: number | string }>(
    'SELECT count() AS n FROM system.columns WHERE database = currentDatabase() AND table = {member_table:String} AND name = {member_column:String}',
    { member_table: table, member_column: column },
  );
  return Number(row.n) > 0;
}

export function sumMatchEvaluator(check: Extract<ResolvedCheck, { kind: 'sum_match' }>, context: EvaluationContext): Evaluator {
  const mine = context.clean.source(check.source);
  const other = context.clean.source(check.other.source);
  return {
    async finish() {
      const sql = renderSql(readSql('quality/sum_match.sql'), {
        group_by: check.group_by,
        column: check.column,
        other_group_by: check.other.group_by,
        other_column: check.other.column,
      });
      type Row = { grp: string | null; mine: number | string; theirs: number | string; in_mine: number | boolean; line: number | string; differs: number | boolean; total_groups: number | string; differing_groups: number | string };
      const { rows, totals } = await queryPerBucket<Row>(
        context,
        [check.source, check.other.source],
        {
          sql,
          params: {
            mine_dir: context.layout.pendingDir(context.businessDate, check.source),
            mine_structure: mine.structure([...new Set([check.group_by, check.column, 'source_line'])]),
            other_dir: context.layout.pendingDir(context.businessDate, check.other.source),
            other_structure: other.structure([...new Set([check.other.group_by, check.other.column, 'source_line'])]),
            tolerance: check.tolerance,
          },
        },
        (r) => [Number(r.total_groups), Number(r.differing_groups)],
        // sum_match.sql's ORDER BY differs DESC, in_mine DESC, line, grp
        (a, b) => Number(b.differs) - Number(a.differs) || Number(b.in_mine) - Number(a.in_mine) || Number(a.line) - Number(b.line) || byBytes(a.grp, b.grp),
      );
      const [groups = 0, mismatched = 0] = totals;
      const describer = context.describer(check.source);
      const otherDescriber = context.describer(check.other.source);
      const samples = rows
        .filter((r) => Number(r.differs) === 1)
        .slice(0, context.sampleSize)
        .map((r) => ({
          file: Number(r.in_mine) === 1 ? describer.file : otherDescriber.file,
          line: Number(r.line),
          key: `${check.group_by}=${r.grp}`,
          value: `${check.column}=${describer.format(check.column, Number(r.mine))}, ${check.other.source}.${check.other.column}=${otherDescriber.format(check.other.column, Number(r.theirs))}`,
        }));
      return {
        result: evaluate({ ...resultBase(check), observed: share(mismatched, groups), unit: 'share', note: `${mismatched} of ${groups} groups differ` }),
        samples,
      };
    },
  };
}
