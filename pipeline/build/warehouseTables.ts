/**
 * What a load builds, from what, and in which order it swaps: the one place that knows the shape
 * of the warehouse's data flow. Each built table's SQL is clickhouse/load/<table>.sql; its `${name}`
 * placeholders are filled from `inputs` (a raw table of the month's staged files, or the staging
 * build of another table) plus `${target}`. The aggregates are not built by SQL of their own:
 * materialized views (migration 0016) fill them when the load inserts into the staging facts.
 */
import type { SourceName } from '../../domain/contracts';

/**
 * `raw`: the month's staged files of a source; `staged`: the staging build of another table;
 * `everyMonth`: a live table as the whole warehouse holds it, for the other months' rows (on a
 * cluster, its Distributed table: those months live on other shards).
 */
export type TableInput = { raw: SourceName } | { staged: string } | { everyMonth: string };

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
const everyMonth = (table: string): Record<string, TableInput> => ({ [`every_month_${table}`]: { everyMonth: table } });

/** In build order: each table's inputs are built before it. */
export const BUILT_TABLES: readonly BuiltTable[] = [
  { table: 'customer_snapshots', scope: 'month', inputs: { customers: raw('customers') } },
  { table: 'product_snapshots', scope: 'month', inputs: { products: raw('products') } },
  { table: 'fact_sales', scope: 'month', inputs: { orders: raw('orders'), customers: raw('customers'), products: raw('products'), customer_snapshots: staged('customer_snapshots'), product_snapshots: staged('product_snapshots'), ...everyMonth('customer_snapshots'), ...everyMonth('product_snapshots') } },
  { table: 'fact_payments', scope: 'month', inputs: { payments: raw('payments') } },
  { table: 'dim_customer', scope: 'whole', inputs: { month_snapshots: staged('customer_snapshots'), ...everyMonth('customer_snapshots') } },
  { table: 'dim_product', scope: 'whole', inputs: { month_snapshots: staged('product_snapshots'), month_products: staged('agg_product_monthly_state'), ...everyMonth('product_snapshots'), ...everyMonth('agg_product_monthly_state') } },
];

export interface AggregateView {
  /** What readers query: a plain view merging the states into final values. */
  view: string;
  /** Aggregate states (AggregatingMergeTree), partitioned by month like the facts; what the load swaps. */
  state: string;
  /** The materialized view that writes the states when the load inserts into `facts`' staging table. */
  materializedView: string;
  facts: 'fact_sales' | 'fact_payments';
  /** The date column the month partition is taken from. */
  monthColumn: 'business_date' | 'business_month';
}

const aggregate = (view: string, facts: AggregateView['facts'], monthColumn: AggregateView['monthColumn']): AggregateView =>
  ({ view, state: `${view}_state`, materializedView: `${view}_mv`, facts, monthColumn });

/** The aggregates (migration 0016): equal to their facts after every load (test/pipeline/warehouse.test.ts proves it). */
export const AGGREGATES: readonly AggregateView[] = [
  aggregate('agg_daily_sales', 'fact_sales', 'business_date'),
  aggregate('agg_sales_by_category_state', 'fact_sales', 'business_date'),
  aggregate('agg_monthly_sales', 'fact_sales', 'business_month'),
  aggregate('agg_customer_monthly', 'fact_sales', 'business_month'),
  aggregate('agg_product_monthly', 'fact_sales', 'business_month'),
  aggregate('agg_delivery', 'fact_sales', 'business_date'),
  aggregate('agg_payment_mix', 'fact_payments', 'business_date'),
];

/**
 * The tables a materialized view names as its source or target: their staging tables are permanent
 * and fixed-named (`<table>__load`, migration 0016), where every other staging table is a scratch
 * table of its month.
 */
export const VIEW_STAGED_TABLES: readonly string[] = [...new Set(AGGREGATES.flatMap((a) => [a.facts, a.state]))];
export const viewStagingTable = (table: string) => `${table}__load`;

/** The generated calendar: every day of each month the facts use (see months_touched.sql). */
export const CALENDAR_TABLE = 'dim_date';

/**
 * On a cluster (clickhouse/cluster/), a month lives on one shard: the month-partitioned tables and
 * the aggregate states. These are replicated instead, a whole copy on every shard: the dimensions
 * (rebuilt whole by every load, so two shards must never hold different versions of one member) and
 * the calendar (months of one shard's facts may be months of another's).
 */
export const REPLICATED_TABLES: readonly string[] = [...BUILT_TABLES.filter((t) => t.scope === 'whole').map((t) => t.table), CALENDAR_TABLE];
export const SHARDED_TABLES: readonly string[] = [...BUILT_TABLES.filter((t) => t.scope === 'month').map((t) => t.table), ...AGGREGATES.map((a) => a.state)];

/**
 * Swap order. Snapshots and dimensions first, so a fact never points at a dimension row that is
 * not there yet; each aggregate's states right after the facts they are built from.
 */
export const SWAP_ORDER: readonly string[] = [
  'customer_snapshots',
  'product_snapshots',
  'dim_customer',
  'dim_product',
  CALENDAR_TABLE,
  'fact_sales',
  ...AGGREGATES.filter((a) => a.facts === 'fact_sales').map((a) => a.state),
  'fact_payments',
  ...AGGREGATES.filter((a) => a.facts === 'fact_payments').map((a) => a.state),
];

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
