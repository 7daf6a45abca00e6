/**
 * What a load builds, from what, and in which order it swaps: the one place that knows the shape
 * of the warehouse's data flow. Each table's SQL is clickhouse/load/<table>.sql; its `${name}`
 * placeholders are filled from `inputs` (a raw table of the month's staged files, or the staging
 * build of another table) plus `${target}`.
 */
import type { SourceName } from '../contracts';

export type TableInput = { raw: SourceName } | { staged: string };

export interface BuiltTable {
  table: string;
  /**
   * `month`: partitioned by the business month; a load rebuilds and swaps the month's partition.
   * `whole`: unpartitioned; rebuilt whole from every month (the month being loaded from staging).
   */
  scope: 'month' | 'whole';
  inputs: Record<string, TableInput>;
}

const raw = (source: SourceName): TableInput => ({ raw: source });
const staged = (table: string): TableInput => ({ staged: table });

/** In build order: each table's inputs are built before it. */
export const BUILT_TABLES: readonly BuiltTable[] = [
  { table: 'customer_snapshots', scope: 'month', inputs: { customers: raw('customers') } },
  { table: 'product_snapshots', scope: 'month', inputs: { products: raw('products') } },
  { table: 'fact_sales', scope: 'month', inputs: { orders: raw('orders'), customers: raw('customers'), products: raw('products'), customer_snapshots: staged('customer_snapshots'), product_snapshots: staged('product_snapshots') } },
  { table: 'fact_payments', scope: 'month', inputs: { payments: raw('payments') } },
  { table: 'agg_daily_sales', scope: 'month', inputs: { sales: staged('fact_sales') } },
  { table: 'agg_sales_by_category_state', scope: 'month', inputs: { sales: staged('fact_sales') } },
  { table: 'agg_monthly_sales', scope: 'month', inputs: { sales: staged('fact_sales') } },
  { table: 'agg_customer_monthly', scope: 'month', inputs: { sales: staged('fact_sales') } },
  { table: 'agg_product_monthly', scope: 'month', inputs: { sales: staged('fact_sales') } },
  { table: 'agg_payment_mix', scope: 'month', inputs: { payments: staged('fact_payments') } },
  { table: 'agg_delivery', scope: 'month', inputs: { sales: staged('fact_sales') } },
  { table: 'dim_customer', scope: 'whole', inputs: { month_snapshots: staged('customer_snapshots') } },
  { table: 'dim_product', scope: 'whole', inputs: { month_snapshots: staged('product_snapshots'), month_products: staged('agg_product_monthly') } },
];

/** The generated calendar: every day of each month the facts use (see months_touched.sql). */
export const CALENDAR_TABLE = 'dim_date';

/**
 * Swap order. Snapshots and dimensions first, so a fact never points at a dimension row that is
 * not there yet; each aggregate right after the facts it is built from.
 */
export const SWAP_ORDER: readonly string[] = [
  'customer_snapshots',
  'product_snapshots',
  'dim_customer',
  'dim_product',
  CALENDAR_TABLE,
  'fact_sales',
  'agg_daily_sales',
  'agg_sales_by_category_state',
  'agg_monthly_sales',
  'agg_customer_monthly',
  'agg_product_monthly',
  'agg_delivery',
  'fact_payments',
  'agg_payment_mix',
];

/** Aggregates: equal to their facts after every load (test/warehouse.test.ts proves it). */
export const AGGREGATE_TABLES = BUILT_TABLES.filter((t) => t.table.startsWith('agg_'));

/**
 * Where each source's clean rows land, one row per clean input row: rowsLoaded[source] counts the
 * business date's rows here after the swap. For customers and products that is the snapshot (every
 * clean row of the day, kept as exported), not the dimension: a type-2 version opens only when
 * attributes change, so counting versions would break read = loaded + quarantined + deduplicated + dropped.
 */
export const SOURCE_TABLES: Record<SourceName, string> = {
  customers: 'customer_snapshots',
  products: 'product_snapshots',
  orders: 'fact_sales',
  payments: 'fact_payments',
};
