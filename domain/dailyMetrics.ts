/**
 * Daily metrics that consistency checks compare with their trailing history: measured in SQL on
 * today's clean rows, and read for earlier business dates from the loaded facts (what was accepted, not
 * what was merely landed).
 */
import type { SourceName } from './contracts';

export interface DailyMetric {
  source: SourceName;
  describe: string;
  /** clickhouse/quality/<file>: returns business_date plus one column per metric of that table. */
  historySql: string;
  /** Today's value as an SQL aggregate over the clean rows; `col` gives a column's expression. */
  today(col: (column: string) => string): string;
}

/** Money travels as integer cents; the warehouse holds Decimal units. */
const sumOfCents = (column: string) => (col: (column: string) => string) => `ifNull(sum(${col(column)}), 0) / 100`;

export const DAILY_METRICS = {
  orders: { source: 'orders', describe: 'distinct orders', historySql: 'quality/sales_history.sql', today: (col) => `uniqExact(${col('order_id')})` },
  order_lines: { source: 'orders', describe: 'order lines', historySql: 'quality/sales_history.sql', today: () => 'count()' },
  revenue: { source: 'orders', describe: 'revenue (price + freight)', historySql: 'quality/sales_history.sql', today: sumOfCents('line_total_cents') },
  payments: { source: 'payments', describe: 'payments', historySql: 'quality/payments_history.sql', today: () => 'count()' },
  payment_value: { source: 'payments', describe: 'amount paid', historySql: 'quality/payments_history.sql', today: sumOfCents('payment_value') },
} as const satisfies Record<string, DailyMetric>;

export type DailyMetricName = keyof typeof DAILY_METRICS;
export const DAILY_METRIC_NAMES = Object.keys(DAILY_METRICS) as [DailyMetricName, ...DailyMetricName[]];
