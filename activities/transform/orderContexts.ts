/**
 * What the order-line rules and calculated fields need to know about each order: its total, how many
 * lines it has and which statuses they carry. Built from the lines at hand (a partition holds every
 * line of its orders; a change batch holds the lines it re-exports).
 */
import type { TypedRow } from '../contracts';
import { lineTotalCents, type OrderTotals } from './enrich';
import type { OrderContext } from './rules';

export function orderContexts(lines: readonly TypedRow[]): Map<string, OrderTotals & OrderContext> {
  const orders = new Map<string, OrderTotals & { statuses: Set<string> }>();
  for (const line of lines) {
    const id = String(line.order_id);
    const order = orders.get(id) ?? { totalCents: 0, lines: 0, statuses: new Set<string>() };
    order.totalCents += lineTotalCents(line);
    order.lines += 1;
    order.statuses.add(String(line.order_status));
    orders.set(id, order);
  }
  return orders;
}
