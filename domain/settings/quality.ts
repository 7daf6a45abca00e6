/**
 * The declarative quality configuration: checks per source, each with a kind, a threshold and a
 * severity (warn or error, like dbt's warn_if / error_if). Validated by zod against the source
 * contracts, so a misspelt column or a range on a text column is an error that names the check.
 *
 *   sources:
 *     orders:
 *       - kind: foreign_key
 *         column: customer_id
 *         references: { source: customers, column: customer_id }
 *         threshold: 0.05          # largest share of orphans that passes
 *         severity: error
 */
import { z } from 'zod';
import { SOURCE_NAMES, stagedColumns, type SourceName } from '../contracts';
import type { StorageKind } from '../contracts/columns';
import { DAILY_METRIC_NAMES, DAILY_METRICS } from '../dailyMetrics';

/** Failing rows the report keeps per check unless the configuration says otherwise. */
export const DEFAULT_SAMPLE_SIZE = 5;

const source = z.enum(SOURCE_NAMES);
const column = z.string().min(1);
const shareThreshold = z.number().min(0).max(1).default(0);
const common = {
  /** Defaults to `<source>_<column>_<kind>`; letters, digits and _ so it works as a metric name in SQL. */
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower-case letters, digits and _').optional(),
  severity: z.enum(['warn', 'error']).default('error'),
  description: z.string().optional(),
};
const history = {
  /** How many earlier business dates form the trailing band. */
  window: z.number().int().min(1).max(365).default(7),
  /** Fewer earlier dates than this: the check passes with the note "no history". */
  min_history: z.number().int().min(1).default(3),
  /** Largest relative deviation from the trailing mean that passes (0.5: within ±50%). */
  threshold: z.number().positive(),
};

export const checkSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('quarantined_share'), ...common, threshold: shareThreshold }),
  z.strictObject({ kind: z.literal('duplicate_share'), ...common, threshold: shareThreshold }),
  z.strictObject({ kind: z.literal('unique'), ...common, columns: z.array(column).min(1).optional(), threshold: shareThreshold }),
  z.strictObject({ kind: z.literal('null_share'), ...common, column, threshold: shareThreshold }),
  z.strictObject({ kind: z.literal('accepted_values'), ...common, column, values: z.array(z.string()).min(1), threshold: shareThreshold }),
  z.strictObject({ kind: z.literal('range'), ...common, column, min: z.number().optional(), max: z.number().optional(), threshold: shareThreshold })
    .refine((c) => c.min !== undefined || c.max !== undefined, { message: 'a range needs min, max or both' }),
  z.strictObject({ kind: z.literal('pattern'), ...common, column, regex: z.string().refine(isRegex, 'is not a valid regular expression').refine(isRe2, 'uses lookaround or a back-reference, which the warehouse (RE2 regular expressions) does not support'), threshold: shareThreshold }),
  z.strictObject({ kind: z.literal('foreign_key'), ...common, column, references: z.strictObject({ source, column }), threshold: shareThreshold }),
  z.strictObject({ kind: z.literal('business_rule'), ...common, rule: z.string().min(1).optional(), threshold: shareThreshold }),
  z.strictObject({
    kind: z.literal('column_comparison'),
    ...common,
    column,
    operator: z.enum(['<', '<=', '>', '>=', '=', '!=']),
    other_column: column,
    threshold: shareThreshold,
  }),
  z.strictObject({
    kind: z.literal('sum_match'),
    ...common,
    column,
    group_by: column,
    other: z.strictObject({ source, column, group_by: column }),
    /** Largest absolute difference per group that still matches, in the column's unit (cents for money). */
    tolerance: z.number().min(0).default(0),
    threshold: shareThreshold,
  }),
  z.strictObject({ kind: z.literal('trailing_metric'), ...common, metric: z.enum(DAILY_METRIC_NAMES), ...history }),
  z.strictObject({ kind: z.literal('volume'), ...common, ...history }),
  /** Threshold: largest lag in hours of the newest timestamp behind the end of the business date. */
  z.strictObject({ kind: z.literal('freshness'), ...common, column, threshold: z.number().min(0) }),
  z.strictObject({ kind: z.literal('schema_drift'), ...common, allow_reorder: z.boolean().default(true), threshold: z.number().int().min(0).default(0) }),
]);

export const qualityConfigSchema = z
  .strictObject({
    /** Keep the built-in checks (a declared check with the same name replaces one). */
    builtin: z.boolean().default(true),
    /** Failing rows kept per check in the report on disk (file, line, key, value). */
    sample_size: z.number().int().min(0).max(100).default(DEFAULT_SAMPLE_SIZE),
    sources: z.partialRecord(source, z.array(checkSpecSchema)).default({}),
  })
  .superRefine((config, ctx) => {
    for (const [name, checks] of Object.entries(config.sources)) {
      checks?.forEach((check, i) => {
        for (const message of contractProblems(name as SourceName, check)) {
          ctx.addIssue({ code: 'custom', path: ['sources', name, i], message });
        }
      });
    }
  });

export type CheckSpec = z.output<typeof checkSpecSchema>;
export type CheckKind = CheckSpec['kind'];
export type QualityConfig = z.output<typeof qualityConfigSchema>;
export type QualityConfigInput = z.input<typeof qualityConfigSchema>;

/** Checks name columns of the clean rows; each must exist and have a type its kind can measure. */
function contractProblems(sourceName: SourceName, check: CheckSpec): string[] {
  const problems: string[] = [];
  const storageOf = (src: SourceName, name: string): StorageKind | undefined => {
    const spec = stagedColumns(src).find((c) => c.name === name);
    if (!spec) problems.push(`"${name}" is not a column of ${src} (columns: ${stagedColumns(src).map((c) => c.name).join(', ')})`);
    return spec?.storage;
  };
  const require = (src: SourceName, name: string, allowed: readonly StorageKind[], why: string) => {
    const storage = storageOf(src, name);
    if (storage && !allowed.includes(storage)) problems.push(`${src}.${name} is stored as ${storage}; ${check.kind} needs ${why}`);
  };
  switch (check.kind) {
    case 'unique':
      check.columns?.forEach((c) => storageOf(sourceName, c));
      break;
    case 'null_share':
      storageOf(sourceName, check.column);
      break;
    case 'accepted_values':
    case 'pattern':
      require(sourceName, check.column, ['string'], 'a text column');
      break;
    case 'range':
      require(sourceName, check.column, ['int32', 'cents'], 'a whole-number or money column');
      break;
    case 'freshness':
      require(sourceName, check.column, ['timestamp'], 'a timestamp column');
      break;
    case 'foreign_key':
      storageOf(sourceName, check.column);
      storageOf(check.references.source, check.references.column);
      break;
    case 'column_comparison': {
      const left = storageOf(sourceName, check.column);
      const right = storageOf(sourceName, check.other_column);
      if (left && right && left !== right) problems.push(`${check.column} (${left}) and ${check.other_column} (${right}) are not comparable`);
      if (left && left === 'string' && !['=', '!='].includes(check.operator)) problems.push(`text columns compare only with = or !=`);
      break;
    }
    case 'sum_match':
      require(sourceName, check.column, ['int32', 'cents'], 'a whole-number or money column');
      storageOf(sourceName, check.group_by);
      require(check.other.source, check.other.column, ['int32', 'cents'], 'a whole-number or money column');
      storageOf(check.other.source, check.other.group_by);
      break;
    case 'trailing_metric':
      if (DAILY_METRICS[check.metric].source !== sourceName) {
        problems.push(`metric ${check.metric} is measured on ${DAILY_METRICS[check.metric].source}, not ${sourceName}`);
      }
      break;
    default:
      break;
  }
  return problems;
}

/** Patterns are matched by the warehouse (RE2): no lookaround, no back-references. */
function isRe2(pattern: string): boolean {
  return !/\(\?<?[=!]|\\[1-9]|\\k</.test(pattern);
}

function isRegex(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}
