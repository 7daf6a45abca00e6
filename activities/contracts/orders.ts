import { z } from 'zod';
import { integer, money, oneOf, optionalTimestamp, text, timestamp } from './columns';
import { HEX_ID } from './customers';
import { DEFAULT_DATE_FORMATS, type DateFormat } from './timestamps';

export const ORDER_STATUSES = [
  'created', 'approved', 'invoiced', 'processing', 'shipped', 'delivered', 'canceled', 'unavailable',
] as const;

/** orders.csv at order-line grain: one row per item of an order. */
export function orderLineRow(dateFormats: readonly DateFormat[] = DEFAULT_DATE_FORMATS) {
  return z.object({
    order_id: text(HEX_ID),
    order_item_id: integer(1, 10_000),
    customer_id: text(HEX_ID),
    product_id: text(HEX_ID),
    seller_id: text(HEX_ID),
    order_status: oneOf(ORDER_STATUSES),
    order_purchase_timestamp: timestamp(dateFormats),
    order_approved_at: optionalTimestamp(dateFormats),
    order_delivered_customer_date: optionalTimestamp(dateFormats),
    order_estimated_delivery_date: optionalTimestamp(dateFormats),
    price: money(),
    freight_value: money(),
  });
}

export type OrderLineRow = z.output<ReturnType<typeof orderLineRow>>;
