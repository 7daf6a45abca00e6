/**
 * Daily metrics that consistency checks compare with their trailing history: measured on today's
 * clean rows, and read for earlier business dates from the loaded facts (what was accepted, not
 * what was merely landed).
 */
import type { SourceName, TypedRow } from '../contracts';

export interface Accumulator {
  add(row: TypedRow): void;
  value(): number;
}

export interface DailyMetric {
  source: SourceName;
  describe: string;
  /** clickhouse/quality/<file>: returns business_date plus one column per metric of that table. */
  historySql: string;
  start(): Accumulator;
}

const count = (): Accumulator => {
  let n = 0;
  return { add: () => void (n += 1), value: () => n };
};

const distinct = (column: string): Accumulator => {
  const seen = new Set<string>();
  return { add: (row) => void seen.add(String(row[column])), value: () => seen.size };
};

/** Money travels as integer cents; the warehouse holds Decimal units. */
const sumOfCents = (column: string): Accumulator => {
  let cents = 0;
  return { add: (row) => void (cents += Number(row[column] ?? 0)), value: () => cents / 100 };
};

export const DAILY_METRICS = {
  orders: { source: 'orders', describe: 'distinct orders', historySql: 'quality/sales_history.sql', start: () => distinct('order_id') },
  order_lines: { source: 'orders', describe: 'order lines', historySql: 'quality/sales_history.sql', start: count },
  revenue: { source: 'orders', describe: 'revenue (price + freight)', historySql: 'quality/sales_history.sql', start: () => sumOfCents('line_total_cents') },
  payments: { source: 'payments', describe: 'payments', historySql: 'quality/payments_history.sql', start: count },
  payment_value: { source: 'payments', describe: 'amount paid', historySql: 'quality/payments_history.sql', start: () => sumOfCents('payment_value') },
} as const satisfies Record<string, DailyMetric>;

export type DailyMetricName = keyof typeof DAILY_METRICS;
export const DAILY_METRIC_NAMES = Object.keys(DAILY_METRICS) as [DailyMetricName, ...DailyMetricName[]];
