/**
 * Per-source pipeline configuration: accepted date formats, null tokens, plausibility bounds and
 * free-text modes of the contract's columns, the dedup key, null strategies and business-rule
 * severities. Validated with zod against the contracts, so a typo names the setting
 * (`sources.orders.nullStrategies.order_city: ...`) instead of failing mid-run. A source's settings
 * are also what its contract is built with (`CONTRACTS[source].buildSchema(settings)`).
 */
import { z } from 'zod';
import { CONTRACTS, contractColumns, SOURCE_NAMES, type SourceName } from '../contracts';
import { BOUNDS_OF_KIND, DEFAULT_NULL_TOKENS, FREE_TEXT_KINDS, FREE_TEXT_MODES, type BoundName } from '../contracts/columns';
import { DATE_FORMATS, dateToEpochMs, DEFAULT_DATE_FORMATS } from '../contracts/timestamps';
import { RULES } from '../businessRules';

export const nullStrategySchema = z.discriminatedUnion('strategy', [
  /** Remove the row (counted as dropped in the run record). */
  z.object({ strategy: z.literal('drop_row') }),
  /** Put a constant in the empty cell. */
  z.object({ strategy: z.literal('fill_constant'), value: z.union([z.string(), z.number()]) }),
  /** Copy another column of the same row. */
  z.object({ strategy: z.literal('fill_from_column'), column: z.string() }),
  /** Map to the explicit "unknown" member of a dimension attribute. */
  z.object({ strategy: z.literal('unknown_member') }),
]);
export type NullStrategy = z.infer<typeof nullStrategySchema>;

export const ruleActionSchema = z.enum(['quarantine', 'flag', 'off']);
export type RuleAction = z.infer<typeof ruleActionSchema>;

const boundDate = z.string().refine((date) => dateToEpochMs(date) !== undefined, { error: 'must be a date written YYYY-MM-DD' });

/** Plausibility bounds of one column (contracts/columns.ts ColumnBounds); each replaces the contract's. */
export const columnBoundsSchema = z.strictObject({
  /** Largest amount in currency units, at most two decimals (money columns). */
  max: z
    .number()
    .positive()
    .max(999_999_999_999.99)
    .refine((max) => Math.abs(Math.round(max * 100) - max * 100) < 1e-6, { error: 'must have at most two decimals' })
    .optional(),
  /** Most characters (free-text columns). */
  maxLength: z.number().int().positive().optional(),
  /** First date a timestamp may hold (timestamp columns). */
  earliest: boundDate.optional(),
  /** First date a timestamp may no longer hold (timestamp columns). */
  before: boundDate.optional(),
});

export const sourceSettingsSchema = z.object({
  dateFormats: z.array(z.enum(DATE_FORMATS)).min(1).default([...DEFAULT_DATE_FORMATS]),
  /** Values read as missing (and counted), besides the empty field: `[]` reads every value as delivered. */
  nullTokens: z.array(z.string().min(1)).default([...DEFAULT_NULL_TOKENS]),
  /** Plausibility bounds by column, overriding the contract's: `{ price: { max: 50000 } }`. */
  bounds: z.record(z.string(), columnBoundsSchema).default({}),
  /** Line breaks and tabs in free text by column: keep, normalise (each to a space, counted) or quarantine. */
  freeText: z.record(z.string(), z.enum(FREE_TEXT_MODES)).default({}),
  dedupKey: z.array(z.string()).min(1).optional(),
  latestBy: z.string().optional(),
  nullStrategies: z.record(z.string(), nullStrategySchema).default({}),
  /** Overrides of business-rule actions by rule name. */
  rules: z.record(z.string(), ruleActionSchema).default({}),
});

const sourceEntry = sourceSettingsSchema.prefault({});

export const sourcesSettingsSchema = z
  .object({ customers: sourceEntry, products: sourceEntry, orders: sourceEntry, payments: sourceEntry })
  .superRefine((sources, ctx) => {
    for (const source of SOURCE_NAMES) {
      const settings = sources[source];
      const columns = new Map(contractColumns(CONTRACTS[source]).map((c) => [c.name, c]));
      const at = (...path: (string | number)[]) => [source, ...path];
      for (const [i, column] of (settings.dedupKey ?? []).entries()) {
        if (!columns.has(column)) ctx.addIssue({ code: 'custom', path: at('dedupKey', i), message: `no column ${column} in the ${source} contract` });
      }
      if (settings.dedupKey && !settings.dedupKey.includes(PARTITION_COLUMN[source])) {
        ctx.addIssue({ code: 'custom', path: at('dedupKey'), message: `must include ${PARTITION_COLUMN[source]} (rows are grouped by it)` });
      }
      if (settings.latestBy && columns.get(settings.latestBy)?.storage !== 'timestamp') {
        ctx.addIssue({ code: 'custom', path: at('latestBy'), message: `${settings.latestBy} is not a timestamp column of ${source}` });
      }
      for (const [column, strategy] of Object.entries(settings.nullStrategies)) {
        const spec = columns.get(column);
        if (!spec) {
          ctx.addIssue({ code: 'custom', path: at('nullStrategies', column), message: `no column ${column} in the ${source} contract` });
          continue;
        }
        if (!spec.nullable) {
          ctx.addIssue({ code: 'custom', path: at('nullStrategies', column), message: `${column} is required by the contract: a missing value is quarantined, not filled` });
        }
        if (strategy.strategy === 'fill_from_column' && columns.get(strategy.column)?.storage !== spec.storage) {
          ctx.addIssue({ code: 'custom', path: at('nullStrategies', column, 'column'), message: `${strategy.column} is not a ${spec.storage} column of ${source}` });
        }
        if (strategy.strategy === 'fill_constant' && (typeof strategy.value === 'string') !== (spec.storage === 'string')) {
          ctx.addIssue({ code: 'custom', path: at('nullStrategies', column, 'value'), message: `${column} holds ${spec.storage} values` });
        }
        if (strategy.strategy === 'unknown_member' && spec.storage !== 'string') {
          ctx.addIssue({ code: 'custom', path: at('nullStrategies', column), message: 'unknown_member applies to text columns only' });
        }
      }
      for (const [column, bounds] of Object.entries(settings.bounds)) {
        const spec = columns.get(column);
        if (!spec) {
          ctx.addIssue({ code: 'custom', path: at('bounds', column), message: `no column ${column} in the ${source} contract` });
          continue;
        }
        const accepted = BOUNDS_OF_KIND[spec.kind!];
        for (const bound of Object.keys(bounds) as BoundName[]) {
          if (!accepted.includes(bound)) {
            const has = accepted.length > 0 ? `its bounds are ${accepted.join(', ')}` : 'it has no bounds';
            ctx.addIssue({ code: 'custom', path: at('bounds', column, bound), message: `${column} is a ${spec.kind} column: ${has}` });
          }
        }
        const earliest = bounds.earliest ?? spec.bounds?.earliest;
        const before = bounds.before ?? spec.bounds?.before;
        if (earliest && before && !(dateToEpochMs(earliest)! < dateToEpochMs(before)!)) {
          ctx.addIssue({ code: 'custom', path: at('bounds', column), message: `earliest (${earliest}) must come before before (${before})` });
        }
      }
      for (const column of Object.keys(settings.freeText)) {
        const spec = columns.get(column);
        if (!spec) ctx.addIssue({ code: 'custom', path: at('freeText', column), message: `no column ${column} in the ${source} contract` });
        else if (!FREE_TEXT_KINDS.has(spec.kind!)) ctx.addIssue({ code: 'custom', path: at('freeText', column), message: `${column} is not a free-text column (free text: ${[...columns.values()].filter((c) => FREE_TEXT_KINDS.has(c.kind!)).map((c) => c.name).join(', ') || 'none'})` });
      }
      for (const rule of Object.keys(settings.rules)) {
        if (!RULES.some((r) => r.name === rule && r.source === source)) {
          ctx.addIssue({ code: 'custom', path: at('rules', rule), message: `no business rule ${rule} for ${source} (known: ${RULES.filter((r) => r.source === source).map((r) => r.name).join(', ')})` });
        }
      }
    }
  });

/**
 * Rows are spread over partitions by this column so that deduplication and order-level fields
 * (order totals) need only one partition in memory at a time.
 */
export const PARTITION_COLUMN: Record<SourceName, string> = {
  customers: 'customer_id',
  products: 'product_id',
  orders: 'order_id',
  payments: 'order_id',
};

export type SourcesSettings = z.infer<typeof sourcesSettingsSchema>;
export type SourceSettings = SourcesSettings[SourceName];

/** What the pipeline does when the configuration says nothing. */
export const DEFAULT_SOURCES_SETTINGS: SourcesSettings = sourcesSettingsSchema.parse({
  customers: { nullStrategies: { customer_city: { strategy: 'unknown_member' } } },
  products: { nullStrategies: { product_category_name: { strategy: 'unknown_member' } } },
});

/** The dedup key and tie-breaking timestamp in force for a source. */
export function dedupOf(source: SourceName, settings: SourceSettings): { key: readonly string[]; latestBy?: string } {
  return { key: settings.dedupKey ?? CONTRACTS[source].key, latestBy: settings.latestBy ?? CONTRACTS[source].latestBy };
}
