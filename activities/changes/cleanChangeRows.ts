/**
 * Clean a change file's valid rows the way the daily transform cleans an export, so a change row is
 * held to the same rules as the row it replaces: one row per key (the latest updated_at wins, ties
 * go to the later line), the source's null strategies, its calculated columns and business rules
 * (a quarantining rule sends the row to the batch's quarantine listing; a flag is kept in
 * rule_flags). Order-level fields and rules see the order's lines in this batch.
 */
import { CONTRACTS, type TypedRow } from '../contracts';
import { VERSION_COLUMN, type ChangeSource } from '../contracts/changes';
import type { SourceSettings } from '../pipelineConfig';
import { Deduplicator } from '../transform/deduplicate';
import { enrich } from '../transform/enrich';
import { orderContexts } from '../transform/orderContexts';
import { applyNullStrategies } from '../transform/nullStrategies';
import { rulesOf } from '../transform/rules';

export interface CleanedChanges {
  rows: TypedRow[];
  duplicates: number;
  dropped: number;
  /** Rows a quarantining business rule removed, with the reason for the listing. */
  broken: { row: TypedRow; reason: string }[];
}

export function cleanChangeRows(source: ChangeSource, rows: readonly TypedRow[], settings: SourceSettings): CleanedChanges {
  const deduplicator = new Deduplicator(CONTRACTS[source].key, VERSION_COLUMN);
  for (const row of rows) deduplicator.add(row);
  const rules = rulesOf(source)
    .map((rule) => ({ rule, action: settings.rules[rule.name] ?? rule.defaultAction }))
    .filter((r) => r.action !== 'off');
  const strategies = Object.entries(settings.nullStrategies);
  const survivors = deduplicator.rows();
  const orders = source === 'orders' ? orderContexts(survivors) : undefined;

  const cleaned: CleanedChanges = { rows: [], duplicates: deduplicator.duplicatesRemoved, dropped: 0, broken: [] };
  for (const row of survivors) {
    if (applyNullStrategies(row, strategies, () => undefined) === 'dropped') {
      cleaned.dropped += 1;
      continue;
    }
    const order = orders?.get(String(row.order_id));
    enrich(source, row, order);
    const broken = rules.filter(({ rule }) => rule.violatedBy(row, order));
    const quarantining = broken.find((b) => b.action === 'quarantine');
    if (quarantining) {
      cleaned.broken.push({ row, reason: `business rule ${quarantining.rule.name}: ${quarantining.rule.description}` });
      continue;
    }
    row.rule_flags = broken.map((b) => b.rule.name).join(',');
    cleaned.rows.push(row);
  }
  return cleaned;
}
