/**
 * A statement's own SETTINGS clause, for settings that belong to that statement only. Not the
 * client's clickhouse_settings: the embedded engine's connection (chdb/connection) turns those into
 * SET statements of the session, which then apply to every later statement of the process (a CSV
 * read elsewhere would skip its first line, a later file() write would truncate). A server takes
 * them per request, but the same statement must behave the same on both.
 */
import type { ClickHouseSettings } from '@clickhouse/client';

export function settingsClause(settings: ClickHouseSettings): string {
  const value = (v: unknown) => (typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? '1' : '0') : `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
  return `SETTINGS ${Object.entries(settings).map(([k, v]) => `${k} = ${value(v)}`).join(', ')}`;
}
