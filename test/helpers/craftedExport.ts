/**
 * A tiny, hand-made day of exports whose every value is known, so a test can break exactly one thing
 * (a null, an orphan key, a wrong payment) and see exactly one check notice it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { csvLine } from '../../pipeline/files/csvText';
import { CSV_HEADERS, type ExportSource } from '../../ops/generate/sampleData';

export type CsvRow = Record<string, string>;
export type CraftedExport = Record<ExportSource, CsvRow[]>;

/** A valid 32-character hex id, distinct per prefix and number. */
export const hexId = (prefix: string, n: number) => `${prefix}${String(n)}`.padStart(32, '0').replace(/[^0-9a-f]/g, 'a');

/** A canary that must never reach Temporal payloads or logs (it is a customer's city). */
export const CANARY_CITY = 'canaryville';

export function cleanExport(businessDate: string): CraftedExport {
  const at = (day: string, time: string) => `${day} ${time}`;
  const customers = [1, 2, 3].map((n) => ({
    customer_id: hexId('c', n),
    customer_unique_id: hexId('d', n),
    customer_zip_code_prefix: `0100${n}`,
    customer_city: CANARY_CITY,
    customer_state: 'SP',
    updated_at: at('2024-01-01', '10:00:00'),
  }));
  const products = [1, 2].map((n) => ({
    product_id: hexId('b', n),
    product_category_name: 'brinquedos',
    product_weight_g: '500',
    product_length_cm: '20',
    product_height_cm: '10',
    product_width_cm: '15',
    updated_at: at('2024-01-01', '10:00:00'),
  }));
  const orders = [1, 2, 3, 4].map((n) => ({
    order_id: hexId('e', n),
    order_item_id: '1',
    customer_id: hexId('c', ((n - 1) % 3) + 1),
    product_id: hexId('b', ((n - 1) % 2) + 1),
    seller_id: hexId('f', 1),
    order_status: 'delivered',
    order_purchase_timestamp: at(businessDate, `1${n}:00:00`),
    order_approved_at: at(businessDate, `1${n}:30:00`),
    order_delivered_customer_date: at('2024-12-01', '12:00:00'),
    order_estimated_delivery_date: at('2024-12-20', '00:00:00'),
    price: '100.00',
    freight_value: '10.00',
  }));
  const payments = orders.map((o) => ({
    order_id: o.order_id,
    payment_sequential: '1',
    payment_type: 'credit_card',
    payment_installments: '1',
    payment_value: '110.00',
  }));
  return { customers, products, orders, payments };
}

/** Writes the export as landing CSVs; `headers` can reorder a file's columns. */
export function writeExport(landingDir: string, data: CraftedExport, headers: Partial<Record<ExportSource, readonly string[]>> = {}): void {
  mkdirSync(landingDir, { recursive: true });
  for (const source of Object.keys(data) as ExportSource[]) {
    const header = headers[source] ?? CSV_HEADERS[source];
    const lines = [csvLine([...header]), ...data[source].map((row) => csvLine(header.map((c) => row[c] ?? '')))];
    writeFileSync(path.join(landingDir, `${source}.csv`), lines.join(''));
  }
}
