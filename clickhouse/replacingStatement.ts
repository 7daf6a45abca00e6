/**
 * A long statement that every attempt of the same work runs under the same query_id, with
 * `replace_running_query`: a retried activity's statement replaces the one an earlier attempt left
 * running on the server instead of racing it over the same files.
 *
 * Why it is needed: aborting a request (an activity cancelled or timed out) closes the HTTP
 * connection, but a server notices that only when it next writes to it (for an INSERT ... SELECT,
 * at the end or at the next progress header), and a worker that dies never aborts at all. The
 * earlier statement then keeps writing, e.g. the same work folder's partition files that the retry
 * is writing. With the same query_id the server cancels the earlier statement before the retry's
 * starts (it waits up to `replace_running_query_max_wait_ms` for it to stop), and the earlier one
 * fails with QUERY_WAS_CANCELLED (394). Only the same user's statement can be replaced.
 *
 * The id is a digest of what identifies the work (never the values themselves: they may name
 * folders), so it says nothing in system.processes or a log beyond the kind of statement. Embedded
 * chDB runs statements inside the worker, so they end with it: nothing to replace there.
 */
import { createHash } from 'node:crypto';
import type { ClickHouseSettings } from '@clickhouse/client';
import type { Warehouse } from './client';

export interface ReplacingStatement {
  query_id?: string;
  clickhouse_settings?: ClickHouseSettings;
}

/**
 * What to add to the statement's request. `kind`: what the statement does (`ingest`); `identity`:
 * what makes two attempts the same work (the work folder, the database).
 */
export function replacingStatement(warehouse: Warehouse, kind: string, ...identity: string[]): ReplacingStatement {
  if (!/^[a-z][a-z-]*$/.test(kind)) throw new Error(`statement kind ${JSON.stringify(kind)}: lower-case letters and dashes only`);
  if (warehouse.mode === 'embedded') return {};
  const digest = createHash('sha256').update([warehouse.database, ...identity].join('\0')).digest('hex').slice(0, 24);
  return { query_id: `cartwheel-${kind}-${digest}`, clickhouse_settings: { replace_running_query: 1 } };
}
