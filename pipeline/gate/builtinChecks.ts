/**
 * The checks every run gets unless the configuration says `builtin: false`, declared in the same shape
 * as a configuration file. The four thresholds of PipelineSettings.quality (CARTWHEEL_MAX_* /
 * CARTWHEEL_WARN_* variables) tune them.
 */
import { CONTRACTS, contractColumns, SOURCE_NAMES, type ColumnSpec, type SourceName } from '../../domain/contracts';
import { protectedName } from '../../domain/contracts/protectedColumns';
import type { QualityThresholds } from '../../domain/settings/index';
import type { QualityConfigInput } from '../../domain/settings/quality';

type Sources = NonNullable<QualityConfigInput['sources']>;
type Spec = NonNullable<Sources[SourceName]>[number];

export function builtinChecks(t: QualityThresholds): Sources {
  const everySource = (source: SourceName): Spec[] => [
    { kind: 'quarantined_share', threshold: t.maxQuarantinedShare, severity: 'error' },
    { kind: 'duplicate_share', threshold: t.warnDuplicateShare, severity: 'warn' },
    { kind: 'unique', threshold: 0, severity: 'error' },
    ...contractColumns(CONTRACTS[source])
      .filter((c) => c.nullable)
      .map((c): Spec => nullShare(source, c, t.warnNullShare)),
    { kind: 'schema_drift', severity: 'error' },
    // Volume swings of a shop are normal (weekends, campaigns): a warning, not a stop.
    { kind: 'volume', threshold: 0.5, window: 7, min_history: 3, severity: 'warn' },
  ];
  const extra: Record<SourceName, Spec[]> = {
    customers: [],
    products: [
      { kind: 'range', column: 'product_weight_g', min: 1, threshold: 0.01, severity: 'warn' },
    ],
    orders: [
      { kind: 'foreign_key', column: 'customer_id', references: { source: 'customers', column: 'customer_id' }, threshold: t.maxOrphanShare, severity: 'error' },
      { kind: 'foreign_key', column: 'product_id', references: { source: 'products', column: 'product_id' }, threshold: t.maxOrphanShare, severity: 'error' },
      { kind: 'range', column: 'price', min: 0.01, threshold: 0.01, severity: 'warn' },
      // The transform's named rules (delivery before purchase, ...) are the accuracy checks of orders.
      { kind: 'business_rule', threshold: 0.01, severity: 'warn' },
      // A re-landed older export has no order on the business date: its newest purchase lags a day or more.
      { kind: 'freshness', column: 'order_purchase_timestamp', threshold: 24, severity: 'error' },
      { kind: 'trailing_metric', metric: 'orders', threshold: 0.5, window: 7, min_history: 3, severity: 'warn' },
    ],
    payments: [
      { kind: 'foreign_key', column: 'order_id', references: { source: 'orders', column: 'order_id' }, threshold: t.maxOrphanShare, severity: 'error' },
      { kind: 'accepted_values', column: 'payment_type', values: ['credit_card', 'boleto', 'voucher', 'debit_card'], threshold: 0.01, severity: 'warn' },
      {
        kind: 'sum_match',
        name: 'payments_match_order_totals',
        column: 'payment_value',
        group_by: 'order_id',
        other: { source: 'orders', column: 'line_total_cents', group_by: 'order_id' },
        tolerance: 1,
        // A quarantined order line or payment unbalances its order: this follows the defect rate.
        threshold: 0.1,
        severity: 'warn',
      },
    ],
  };
  return Object.fromEntries(SOURCE_NAMES.map((source) => [source, [...everySource(source), ...extra[source]]])) as Sources;
}

/**
 * Nulls of an optional column. A personal column exists after ingest only as its protected forms,
 * which are null exactly when it was empty: its check measures the ciphertext, under the column's name.
 */
function nullShare(source: SourceName, column: ColumnSpec, threshold: number): Spec {
  if (!column.personal) return { kind: 'null_share', column: column.name, threshold, severity: 'warn' };
  return { kind: 'null_share', name: `${source}_${column.name}_null_share`, column: protectedName(column.name, 'encrypted'), threshold, severity: 'warn' };
}
