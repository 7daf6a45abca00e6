/**
 * Schema drift: the landed header against the contract (missing, unexpected and, when order matters,
 * moved columns) and the clean rows' value types against the contract's declared storage (the parts'
 * column types and nulls where the contract allows none, counted in SQL). Observed is
 * the number of drifted columns; the note names them (column names only, never values).
 */
import { CONTRACTS, contractColumns, storedContractColumns, type ColumnSpec } from '../../domain/contracts';
import type { StorageKind } from '../../domain/contracts/columns';
import { evaluate } from './checks';
import { identifier, type CleanSource } from './cleanData';
import { resultBase, type EvaluationContext, type Evaluator } from './evaluator';
import type { ResolvedCheck } from './resolveChecks';
import { SampleList, type FailingSample } from './samples';

export function schemaDriftEvaluator(check: Extract<ResolvedCheck, { kind: 'schema_drift' }>, context: EvaluationContext): Evaluator {
  const expected = contractColumns(CONTRACTS[check.source]);
  // Clean rows hold personal columns in their protected forms: types are checked on those.
  const stored = storedContractColumns(check.source);
  const clean = context.clean.source(check.source);
  const misfits = new Map(stored.map((column) => [column.name, misfit(clean, column)]));
  return {
    aggregates: Object.fromEntries([...misfits].filter(([, sql]) => sql !== '0').map(([name, sql]) => [name, `countIf(${sql})`])),
    async finish(measured) {
      // Column → the first row (by line) whose value does not fit.
      const typeDrift = new Map<string, FailingSample | undefined>();
      for (const column of stored) {
        if (!(measured.get(column.name)! > 0)) continue;
        const [first] = await context.clean.samples(context.describer(check.source), {
          where: misfits.get(column.name)!,
          columns: [column.name],
          reason: `expected ${column.storage}${column.nullable ? ' or null' : ''}`,
          limit: 1,
        });
        typeDrift.set(column.name, first);
      }
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
      for (const sample of typeDrift.values()) if (sample) samples.add(() => sample);
      return { result: evaluate({ ...resultBase(check), observed: drifted, unit: 'columns', note }), samples: samples.items };
    },
  };
}

/** SQL true where a row's value does not fit the column's declared storage; `0` where none can fail. */
function misfit(clean: CleanSource, column: ColumnSpec): string {
  // A column the parts lack holds no value of its storage in any row.
  if (!clean.has(column.name)) return '1';
  const name = identifier(column.name);
  if (STORAGE_TYPES[column.storage].test(clean.typeOf(column.name)!)) return column.nullable ? '0' : `isNull(${name})`;
  return column.nullable ? `isNotNull(${name})` : '1';
}

/** ClickHouse types (in the parts) whose values fit each storage kind. */
const STORAGE_TYPES: Record<StorageKind, RegExp> = {
  string: /^(String|FixedString\(\d+\))$/,
  int32: /^U?Int(8|16|32|64)$/,
  cents: /^U?Int(8|16|32|64)$/,
  timestamp: /^(DateTime64\(.*\)|DateTime(\(.*\))?|U?Int(8|16|32|64))$/,
};
