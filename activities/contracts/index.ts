/**
 * The registry of source contracts: which file each source comes from, its row schema, the key that
 * identifies a row, and which timestamp decides which of two duplicates is the latest.
 */
import { z } from 'zod';
import { columnRegistry, type StorageKind } from './columns';
import { customerRow } from './customers';
import { orderLineRow } from './orders';
import { paymentRow } from './payments';
import { productRow } from './products';

export const SOURCE_NAMES = ['customers', 'products', 'orders', 'payments'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export interface SourceContract {
  name: SourceName;
  fileName: string;
  schema: z.ZodObject;
  /** Columns that identify one row; duplicates on this key are removed. */
  key: readonly string[];
  /** Among duplicates the row with the greatest value here wins (ties: the later line). */
  latestBy?: string;
}

export const CONTRACTS: Record<SourceName, SourceContract> = {
  customers: { name: 'customers', fileName: 'customers.csv', schema: customerRow, key: ['customer_id'], latestBy: 'updated_at' },
  products: { name: 'products', fileName: 'products.csv', schema: productRow, key: ['product_id'], latestBy: 'updated_at' },
  orders: { name: 'orders', fileName: 'orders.csv', schema: orderLineRow, key: ['order_id', 'order_item_id'] },
  payments: { name: 'payments', fileName: 'payments.csv', schema: paymentRow, key: ['order_id', 'payment_sequential'] },
};

export interface ColumnSpec {
  name: string;
  storage: StorageKind;
  nullable: boolean;
}

/** The contract's columns in header order, with the storage registered by each column builder. */
export function contractColumns(contract: SourceContract): ColumnSpec[] {
  return Object.entries(contract.schema.shape).map(([name, field]) => {
    const meta = columnRegistry.get(field as z.ZodType);
    if (!meta) throw new Error(`${contract.name}.${name} was not built with a column builder from contracts/columns.ts`);
    return { name, ...meta };
  });
}

/** Lineage and calculated columns appended by ingestion and transformation, per source. */
const DERIVED_COLUMNS: Record<SourceName, ColumnSpec[]> = {
  customers: [],
  products: [],
  orders: [{ name: 'line_total_cents', storage: 'cents', nullable: false }],
  payments: [],
};

const LINEAGE_COLUMNS: ColumnSpec[] = [
  { name: 'business_date', storage: 'string', nullable: false },
  { name: 'source_line', storage: 'int32', nullable: false },
];

/** Columns of a staged (clean) row: contract columns, calculated columns, then lineage. */
export function stagedColumns(source: SourceName): ColumnSpec[] {
  return [...contractColumns(CONTRACTS[source]), ...DERIVED_COLUMNS[source], ...LINEAGE_COLUMNS];
}

/** A typed, validated row as it travels between activities (through files, never through Temporal). */
export type TypedRow = Record<string, string | number | null>;
