/**
 * Calculated fields an analyst expects (the columns are declared in contracts/derived.ts).
 * Order-level fields (totals, line count) come from the order's lines, which share a partition.
 */
import type { SourceName, TypedRow } from '../contracts';

const DAY_MS = 86_400_000;

export interface OrderTotals {
  totalCents: number;
  lines: number;
}

export function enrich(source: SourceName, row: TypedRow, order?: OrderTotals): void {
  switch (source) {
    case 'orders':
      return enrichOrderLine(row, order);
    case 'products':
      return enrichProduct(row);
    case 'payments':
      row.installment_bucket = installmentBucket(Number(row.payment_installments));
      return;
    case 'customers':
      return;
  }
}

export function lineTotalCents(row: TypedRow): number {
  return Number(row.price) + Number(row.freight_value);
}

function enrichOrderLine(row: TypedRow, order?: OrderTotals): void {
  const purchased = Number(row.order_purchase_timestamp);
  const date = new Date(purchased);
  const delivered = row.order_delivered_customer_date === null ? undefined : Number(row.order_delivered_customer_date);
  const estimated = row.order_estimated_delivery_date === null ? undefined : Number(row.order_estimated_delivery_date);
  row.line_total_cents = lineTotalCents(row);
  row.order_total_cents = order?.totalCents ?? row.line_total_cents;
  row.order_line_count = order?.lines ?? 1;
  row.purchase_date = date.toISOString().slice(0, 10);
  row.purchase_year = date.getUTCFullYear();
  row.purchase_month = date.getUTCMonth() + 1;
  row.purchase_weekday = ((date.getUTCDay() + 6) % 7) + 1; // ISO: Monday = 1
  row.delivery_days = delivered === undefined ? null : Math.floor((delivered - purchased) / DAY_MS);
  row.is_late = delivered === undefined || estimated === undefined ? null : delivered > estimated ? 1 : 0;
}

function enrichProduct(row: TypedRow): void {
  const weight = Number(row.product_weight_g);
  const volume = Number(row.product_length_cm) * Number(row.product_height_cm) * Number(row.product_width_cm);
  row.volume_cm3 = volume;
  row.weight_class = weight < 500 ? 'light' : weight < 5_000 ? 'medium' : weight < 30_000 ? 'heavy' : 'bulky';
  row.size_class = volume < 1_000 ? 'small' : volume < 20_000 ? 'medium' : volume < 100_000 ? 'large' : 'oversized';
}

export function installmentBucket(installments: number): string {
  if (installments <= 1) return installments === 0 ? '0' : '1';
  if (installments <= 3) return '2-3';
  if (installments <= 6) return '4-6';
  if (installments <= 12) return '7-12';
  return '13+';
}
