/**
 * Schema drift: the landed header against the contract (missing, unexpected and, when order matters,
 * moved columns) and the clean rows' value types against the contract's declared storage. Observed is
 * the number of drifted columns; the note names them (column names only, never values).
 */
import { CONTRACTS, contractColumns, storedContractColumns, type TypedRow } from '../contracts';
import type { ColumnSpec } from '../contracts';
import { evaluate } from './checks';
import { resultBase, type EvaluationContext, type Evaluator } from './evaluator';
import type { ResolvedCheck } from './resolveChecks';
import { SampleList, type FailingSample } from './samples';

export function schemaDriftEvaluator(check: Extract<ResolvedCheck, { kind: 'schema_drift' }>, context: EvaluationContext): Evaluator {
  const expected = contractColumns(CONTRACTS[check.source]);
  // Clean rows hold personal columns in their protected forms: types are checked on those.
  const stored = storedContractColumns(check.source);
  const describer = context.describer(check.source);
  const typeDrift = new Map<string, FailingSample>();
  return {
    observe(row) {
      for (const column of stored) {
        if (typeDrift.has(column.name) || fitsContract(column, row[column.name])) continue;
        typeDrift.set(column.name, describer.sample(row, [column.name], `expected ${column.storage}${column.nullable ? ' or null' : ''}`));
      }
    },
    finish() {
      const header = context.counts[check.source].header;
      const names = expected.map((c) => c.name);
      // A column added to the contract later may be absent (an older export): read as empty, not drift.
      const mayBeAbsent = new Set(expected.filter((c) => c.optionalInHeader).map((c) => c.name));
      const missing = header ? names.filter((n) => !header.includes(n) && !mayBeAbsent.has(n)) : [];
      const absent = header ? names.filter((n) => !header.includes(n) && mayBeAbsent.has(n)) : [];
      const unexpected = header ? header.filter((n) => !names.includes(n)) : [];
      const inHeaderOrder = header ? header.filter((n) => names.includes(n)) : [];
      const expectedOrder = names.filter((n) => inHeaderOrder.includes(n));
      const moved = check.allow_reorder ? [] : inHeaderOrder.filter((n, i) => expectedOrder[i] !== n);
      const parts = [
        ['missing', missing],
        ['unexpected', unexpected],
        ['moved', moved],
        ['type', [...typeDrift.keys()]],
      ] as const;
      const drifted = parts.reduce((sum, [, list]) => sum + list.length, 0);
      const described = parts.filter(([, list]) => list.length > 0).map(([what, list]) => `${what}: ${list.join(', ')}`);
      const tolerated = absent.length > 0 ? [`absent, read as empty: ${absent.join(', ')}`] : [];
      const note = [header ? '' : 'header not provided', ...described, ...tolerated].filter(Boolean).join('; ') || 'matches the contract';
      const samples = new SampleList(context.sampleSize);
      const file = context.layout.landingFile(context.businessDate, check.source);
      for (const [what, list] of parts.slice(0, 3)) for (const column of list) samples.add(() => ({ file, line: 1, key: 'header', value: column, reason: `${what} column` }));
      for (const sample of typeDrift.values()) samples.add(() => sample);
      return { result: evaluate({ ...resultBase(check), observed: drifted, unit: 'columns', note }), samples: samples.items };
    },
  };
}

function fitsContract(column: ColumnSpec, value: TypedRow[string] | undefined): boolean {
  if (value === null) return column.nullable;
  switch (column.storage) {
    case 'string':
      return typeof value === 'string';
    case 'int32':
    case 'cents':
      return Number.isInteger(value);
    case 'timestamp':
      return typeof value === 'number' && Number.isFinite(value);
  }
}
