/**
 * Where a change source's rows live in the warehouse and how a row is identified there: the fact
 * table and the key (order_id plus the line within the order, the source contract's key).
 */
import type { ChangeSource } from '../../domain/contracts/changes';

export interface ChangeTarget {
  fact: 'fact_sales' | 'fact_payments';
  /** The key column besides order_id, named alike in the staged row and the fact. */
  line: 'order_item_id' | 'payment_sequential';
  /** What a person calls one row, for messages. */
  noun: string;
}

export const CHANGE_TARGETS: Record<ChangeSource, ChangeTarget> = {
  orders: { fact: 'fact_sales', line: 'order_item_id', noun: 'order line' },
  payments: { fact: 'fact_payments', line: 'payment_sequential', noun: 'payment' },
};
