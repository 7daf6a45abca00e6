/** Calculated fields an analyst expects, per source. */
import type { SourceName, TypedRow } from '../contracts';

const ENRICHERS: Partial<Record<SourceName, (row: TypedRow) => TypedRow>> = {
  orders: (row) => ({ ...row, line_total_cents: Number(row.price) + Number(row.freight_value) }),
};

export function enrich(source: SourceName, row: TypedRow): TypedRow {
  const enricher = ENRICHERS[source];
  return enricher ? enricher(row) : row;
}
