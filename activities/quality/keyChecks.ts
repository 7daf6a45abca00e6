/**
 * Checks over keys: uniqueness of a key among the clean rows, foreign keys that must resolve in
 * another source, and sums per group that must match another source's (payments against order
 * totals). Cross-source data comes from the context once every source was read.
 */
import { CONTRACTS } from '../contracts';
import { rowKey } from '../transform/deduplicate';
import { evaluate, share } from './checks';
import { resultBase, type EvaluationContext, type Evaluator } from './evaluator';
import type { ResolvedCheck } from './resolveChecks';
import { SampleList } from './samples';

export function uniqueEvaluator(check: Extract<ResolvedCheck, { kind: 'unique' }>, context: EvaluationContext): Evaluator {
  const columns = check.columns ?? CONTRACTS[check.source].key;
  const describer = context.describer(check.source);
  const samples = new SampleList(context.sampleSize);
  const seen = new Set<string>();
  let rows = 0;
  let repeated = 0;
  return {
    observe(row) {
      rows += 1;
      const key = rowKey(row, columns);
      if (seen.has(key)) {
        repeated += 1;
        samples.add(() => describer.sample(row, columns));
      }
      seen.add(key);
    },
    finish: () => ({
      result: evaluate({ ...resultBase(check), observed: share(repeated, rows), unit: 'share', note: `${repeated} of ${rows} rows repeat a key` }),
      samples: samples.items,
    }),
  };
}

export function foreignKeyEvaluator(check: Extract<ResolvedCheck, { kind: 'foreign_key' }>, context: EvaluationContext): Evaluator {
  const describer = context.describer(check.source);
  // Distinct values with their row count and first row: the parent may be read after this source.
  const values = new Map<string, { rows: number; sample: () => ReturnType<typeof describer.sample> }>();
  let rows = 0;
  return {
    observe(row) {
      const value = row[check.column];
      if (value === null || value === undefined) return;
      rows += 1;
      const entry = values.get(String(value));
      if (entry) entry.rows += 1;
      else values.set(String(value), { rows: 1, sample: () => describer.sample(row, [check.column]) });
    },
    finish() {
      const parents = context.columnValues(check.references.source, check.references.column);
      const samples = new SampleList(context.sampleSize);
      let orphans = 0;
      for (const [value, entry] of values) {
        if (parents.has(value)) continue;
        orphans += entry.rows;
        samples.add(entry.sample);
      }
      return {
        result: evaluate({ ...resultBase(check), observed: share(orphans, rows), unit: 'share', note: `${orphans} of ${rows} rows resolve to nothing` }),
        samples: samples.items,
      };
    },
  };
}

export function sumMatchEvaluator(check: Extract<ResolvedCheck, { kind: 'sum_match' }>, context: EvaluationContext): Evaluator {
  const describer = context.describer(check.source);
  const sums = new Map<string, { sum: number; line: number }>();
  return {
    observe(row) {
      const group = String(row[check.group_by]);
      const entry = sums.get(group) ?? { sum: 0, line: Number(row.source_line) };
      entry.sum += Number(row[check.column] ?? 0);
      sums.set(group, entry);
    },
    finish() {
      const other = context.groupSums(check.other.source, check.other.group_by, check.other.column);
      const groups = new Set([...sums.keys(), ...other.keys()]);
      const samples = new SampleList(context.sampleSize);
      let mismatched = 0;
      for (const group of groups) {
        const mine = sums.get(group)?.sum ?? 0;
        const theirs = other.get(group)?.sum ?? 0;
        if (Math.abs(mine - theirs) <= check.tolerance) continue;
        mismatched += 1;
        samples.add(() => ({
          file: sums.has(group) ? describer.file : context.describer(check.other.source).file,
          line: sums.get(group)?.line ?? other.get(group)!.line,
          key: `${check.group_by}=${group}`,
          value: `${check.column}=${describer.format(check.column, mine)}, ${check.other.source}.${check.other.column}=${context.describer(check.other.source).format(check.other.column, theirs)}`,
        }));
      }
      return {
        result: evaluate({ ...resultBase(check), observed: share(mismatched, groups.size), unit: 'share', note: `${mismatched} of ${groups.size} groups differ` }),
        samples: samples.items,
      };
    },
  };
}
