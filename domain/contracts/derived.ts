/**
 * Calculated columns each source gains in the transform stage (pipeline/clean/transformSql.ts
 * computes them). Listed here because they are part of the staged contract the warehouse reads.
 */
import type { ColumnSpec, SourceName } from './index';

const ruleFlags: ColumnSpec = { name: 'rule_flags', storage: 'string', nullable: false };

export const DERIVED_COLUMNS: Record<SourceName, ColumnSpec[]> = {
  customers: [ruleFlags],
  products: [
    { name: 'volume_cm3', storage: 'int32', nullable: false },
    { name: 'weight_class', storage: 'string', nullable: false },
    { name: 'size_class', storage: 'string', nullable: false },
    ruleFlags,
  ],
  orders: [
    { name: 'line_total_cents', storage: 'cents', nullable: false },
    { name: 'order_total_cents', storage: 'cents', nullable: false },
    { name: 'order_line_count', storage: 'int32', nullable: false },
    { name: 'purchase_date', storage: 'string', nullable: false },
    { name: 'purchase_year', storage: 'int32', nullable: false },
    { name: 'purchase_month', storage: 'int32', nullable: false },
    { name: 'purchase_weekday', storage: 'int32', nullable: false },
    { name: 'delivery_days', storage: 'int32', nullable: true },
    { name: 'is_late', storage: 'int32', nullable: true },
    ruleFlags,
  ],
  payments: [
    { name: 'installment_bucket', storage: 'string', nullable: false },
    ruleFlags,
  ],
};
