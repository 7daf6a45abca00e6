/**
 * Business rules: named checks on cleaned rows, each with a default action. `quarantine` moves the
 * row to the rules quarantine file; `flag` keeps it and lists the rule in its `rule_flags` column.
 * Both are counted in the transform summary. Actions can be overridden per environment.
 *
 * "Amounts not negative" is enforced earlier, by the contract (money columns refuse negatives).
 * "Payments match order totals" spans two sources and is a quality check, not a row rule.
 */
import type { SourceName } from './contracts';

export interface BusinessRule {
  name: string;
  source: SourceName;
  defaultAction: 'quarantine' | 'flag';
  description: string;
  /**
   * The predicate in ClickHouse SQL over a cleaned row (transformSql.ts): true (1) when the row breaks
   * the rule, never NULL. `_order_statuses` is the number of distinct statuses among the order's lines.
   */
  sql: string;
}

/** SQL: `column` is set and earlier than `than` (a missing value breaks no order rule). */
const before = (column: string, than: string) => `ifNull(${column} < ${than}, 0)`;

export const RULES: readonly BusinessRule[] = [
  {
    name: 'delivery_not_before_purchase',
    source: 'orders',
    defaultAction: 'quarantine',
    description: 'an order cannot be delivered before it was bought',
    sql: before('order_delivered_customer_date', 'order_purchase_timestamp'),
  },
  {
    name: 'approval_not_before_purchase',
    source: 'orders',
    defaultAction: 'flag',
    description: 'an order is approved after it is bought',
    sql: before('order_approved_at', 'order_purchase_timestamp'),
  },
  {
    name: 'estimate_not_before_purchase',
    source: 'orders',
    defaultAction: 'flag',
    description: 'the estimated delivery date lies after the purchase',
    sql: before('order_estimated_delivery_date', 'order_purchase_timestamp'),
  },
  {
    name: 'delivery_date_matches_status',
    source: 'orders',
    defaultAction: 'flag',
    description: 'delivered orders have a delivery date, and only they do',
    sql: "(order_status = 'delivered') != (order_delivered_customer_date IS NOT NULL)",
  },
  {
    name: 'order_lines_share_status',
    source: 'orders',
    defaultAction: 'flag',
    description: 'all lines of an order carry the same status',
    sql: '_order_statuses > 1',
  },
  {
    name: 'installments_only_for_credit_card',
    source: 'payments',
    defaultAction: 'flag',
    description: 'only credit-card payments are split into instalments',
    sql: "payment_type != 'credit_card' AND payment_installments > 1",
  },
  {
    name: 'product_has_dimensions',
    source: 'products',
    defaultAction: 'flag',
    description: 'a product has a weight and non-zero dimensions',
    sql: ['product_weight_g', 'product_length_cm', 'product_height_cm', 'product_width_cm'].map((c) => `ifNull(${c}, 0) = 0`).join(' OR '),
  },
];

export function rulesOf(source: SourceName): BusinessRule[] {
  return RULES.filter((rule) => rule.source === source);
}
