/**
 * The registry of source contracts: which file each source comes from, its row schema, the key that
 * identifies a row, and which timestamp decides which of two duplicates is the latest. Keys and the
 * accepted date formats can be overridden per environment (domain/settings/sources.ts).
 */
import { z } from 'zod';
import { columnRegistry, type ColumnBounds, type ColumnKind, type ColumnSql, type ContractSettings, type Normalisation, type PersonalKind, type StorageKind } from './columns';
import { customerRow } from './customers';
import { DERIVED_COLUMNS } from './derived';
import { orderLineRow } from './orders';
import { paymentRow } from './payments';
import { productRow } from './products';
import { storedColumnsOf, type ProtectedForm } from './protectedColumns';
import type { DateFormat } from './timestamps';

export const SOURCE_NAMES = ['customers', 'products', 'orders', 'payments'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export interface SourceContract {
  name: SourceName;
  fileName: string;
  /**
   * The row schema built with the source's settings (date formats, null tokens, bounds, free-text
   * modes: a SourceSettings of domain/settings/sources.ts will do). A bare list of date formats
   * is still read as `{ dateFormats }` for callers not yet passing the settings.
   */
  buildSchema(settings?: ContractSettings | readonly DateFormat[]): z.ZodObject;
  /** The row schema with the contract's defaults. */
  schema: z.ZodObject;
  /** Default columns that identify one row; duplicates on this key are removed. */
  key: readonly string[];
  /** Default timestamp by which the latest of several duplicates wins (ties: the later line). */
  latestBy?: string;
}

/** Settings from either form buildSchema accepts. */
export function contractSettingsOf(settings: ContractSettings | readonly DateFormat[] = {}): ContractSettings {
  return Array.isArray(settings) ? { dateFormats: settings as readonly DateFormat[] } : (settings as ContractSettings);
}

function contract(name: SourceName, build: (settings: ContractSettings) => z.ZodObject, key: string[], latestBy?: string): SourceContract {
  return { name, fileName: `${name}.csv`, buildSchema: (settings) => build(contractSettingsOf(settings)), schema: build({}), key, latestBy };
}

export const CONTRACTS: Record<SourceName, SourceContract> = {
  customers: contract('customers', customerRow, ['customer_id'], 'updated_at'),
  products: contract('products', productRow, ['product_id'], 'updated_at'),
  orders: contract('orders', orderLineRow, ['order_id', 'order_item_id']),
  payments: contract('payments', paymentRow, ['order_id', 'payment_sequential']),
};

export interface ColumnSpec {
  name: string;
  storage: StorageKind;
  nullable: boolean;
  /** Personal data (see contracts/columns.ts): replaced by its protected forms right after ingest. */
  personal?: PersonalKind;
  /** May be absent from a file's header (a column added after exports existed): read as empty. */
  optionalInHeader?: boolean;
  /** Set on a protected form of a personal column (contracts/protectedColumns.ts). */
  protects?: { column: string; kind: PersonalKind; form: ProtectedForm };
  /**
   * A contract column's SQL twin (contracts/columns.ts ColumnSql): value, reason and normalisation
   * over a raw String expression. Set on contract columns only, not on derived or stored forms.
   */
  sql?: (raw: string) => ColumnSql;
  /** The JavaScript twin of sql(raw).normalised (contract columns only). */
  normalised?: (raw: string) => Normalisation;
  /** Which column builder made it (contract columns only). */
  kind?: ColumnKind;
  /** Plausibility bounds in force (contract columns that have them). */
  bounds?: ColumnBounds;
}

/** The contract's columns in header order, with the storage registered by each column builder. */
export function contractColumns(contract: SourceContract, schema: z.ZodObject = contract.schema): ColumnSpec[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const meta = columnRegistry.get(field as z.ZodType);
    if (!meta) throw new Error(`${contract.name}.${name} was not built with a column builder from contracts/columns.ts`);
    return { name, ...meta };
  });
}

const LINEAGE_COLUMNS: ColumnSpec[] = [
  { name: 'business_date', storage: 'string', nullable: false },
  { name: 'source_line', storage: 'int32', nullable: false },
];

/** The contract's personal columns (names, e-mail, phone, street): they never leave ingest as delivered. */
export function personalColumns(source: SourceName): ColumnSpec[] {
  return contractColumns(CONTRACTS[source]).filter((column) => column.personal !== undefined);
}

/** The contract columns as every stage after ingest holds them: personal ones in protected forms. */
export function storedContractColumns(source: SourceName): ColumnSpec[] {
  return contractColumns(CONTRACTS[source]).flatMap(storedColumnsOf);
}

/** Columns of a staged row: stored contract columns, calculated columns, then lineage. */
export function stagedColumns(source: SourceName): ColumnSpec[] {
  return [...storedContractColumns(source), ...DERIVED_COLUMNS[source], ...LINEAGE_COLUMNS];
}

/** A typed, validated row as it travels between stages (through files, never through Temporal). */
export type TypedRow = Record<string, string | number | null>;

export type { ColumnBounds, ColumnKind, ColumnSql, ContractSettings, FreeTextMode, Normalisation } from './columns';
export type { DateFormat } from './timestamps';
