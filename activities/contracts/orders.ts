import { z } from 'zod';
import { integer, money, oneOf, optionalTimestamp, text, timestamp } from './columns';
import { HEX_ID } from './customers';

export const ORDER_STATUSES = [
  'created', 'approved', 'invoiced', 'processing', 'shipped', 'delivered', 'canceled', 'unavailable',
] as const;

/** orders.csv at order-line grain: one row per item of an order. */
export const orderLineRow = z.object({
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
  price: money(),
  freight_value: money(),
});

export type OrderLineRow = z.output<typeof orderLineRow>;
