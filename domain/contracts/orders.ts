import { z } from 'zod';
import { buildRow, integer, money, oneOf, optionalTimestamp, text, timestamp, type ContractSettings } from './columns';
import { HEX_ID } from './customers';

export const ORDER_STATUSES = [
  'created', 'approved', 'invoiced', 'processing', 'shipped', 'delivered', 'canceled', 'unavailable',
] as const;

/** orders.csv at order-line grain: one row per item of an order. */
export const ORDER_LINE_COLUMNS = {
  order_id: text(HEX_ID),
  order_item_id: integer(1, 10_000),
  customer_id: text(HEX_ID),
  product_id: text(HEX_ID),
  seller_id: text(HEX_ID),
  order_status: oneOf(ORDER_STATUSES),
  order_purchase_timestamp: timestamp(),
  order_approved_at: optionalTimestamp(),
  order_delivered_customer_date: optionalTimestamp(),
  order_estimated_delivery_date: optionalTimestamp(),
  price: money({ max: 1_000_000 }),
  freight_value: money({ max: 1_000_000 }),
};

export function orderLineRow(settings: ContractSettings = {}) {
  return buildRow(ORDER_LINE_COLUMNS, settings);
}

export type OrderLineRow = z.output<ReturnType<typeof orderLineRow>>;
