/**
 * Per-source pipeline configuration: accepted date formats, the dedup key, null strategies and
 * business-rule severities. Validated with zod against the contracts, so a typo names the setting
 * (`sources.orders.nullStrategies.order_city: ...`) instead of failing mid-run.
 */
import { z } from 'zod';
import { CONTRACTS, contractColumns, SOURCE_NAMES, type SourceName } from './contracts';
import { DATE_FORMATS, DEFAULT_DATE_FORMATS } from './contracts/timestamps';
import { RULES } from './transform/rules';

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

const sourceSettingsSchema = z.object({
  dateFormats: z.array(z.enum(DATE_FORMATS)).min(1).default([...DEFAULT_DATE_FORMATS]),
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
