/**
 * The loaded versions of a change batch's keys, read from the warehouse: for each key, every business
 * date it was loaded on (a change takes the business date of the row it changes) and the version the
 * fact holds there (updated_at and change_batch; NULL and '' for a row of a daily export). The keys
 * travel to the warehouse in a scratch table, not in the query text, so a batch of any size is one
 * join; the scratch table's name is derived from the batch, so a crashed attempt's is replaced.
 */
import { createHash } from 'node:crypto';
import type { Warehouse } from '../../clickhouse/client';
import { readSql, renderSql } from '../../clickhouse/sqlFiles';
import type { TypedRow } from '../contracts';
import type { ChangeSource } from '../contracts/changes';
import { CHANGE_TARGETS, changeKeyOf } from './changeTargets';

export interface LoadedVersion {
  businessDate: string;
  /** Epoch milliseconds, or null for a row as its daily export delivered it. */
  updatedAt: number | null;
  /** '' for a row of a daily export. */
  batch: string;
}

const INSERT_CHUNK = 50_000;

export async function loadedVersions(warehouse: Warehouse, source: ChangeSource, batchId: string, rows: readonly TypedRow[]): Promise<Map<string, LoadedVersion[]>> {
  const { fact, line } = CHANGE_TARGETS[source];
  const keys = `change_keys__${source}__${createHash('sha256').update(batchId).digest('hex').slice(0, 16)}`;
  const command = (query: string) => warehouse.client.command({ query });
  const versions = new Map<string, LoadedVersion[]>();
  await command(`DROP TABLE IF EXISTS ${keys}`);
  await command(`CREATE TABLE ${keys} (order_id String, ${line} UInt16) ENGINE = MergeTree ORDER BY tuple()`);
  try {
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      const values = rows.slice(start, start + INSERT_CHUNK).map((row) => ({ order_id: row.order_id, [line]: row[line] }));
      await warehouse.client.insert({ table: keys, values, format: 'JSONEachRow' });
    }
    const result = await warehouse.client.query({
      query: renderSql(readSql('ops/loaded_versions.sql'), { fact, line, keys }),
      format: 'JSONEachRow',
    });
    for (const found of await result.json<{ day: string; order_id: string; line: number | string; updated_ms: number | string | null; batch: string }>()) {
      const key = changeKeyOf(source, { order_id: found.order_id, [line]: Number(found.line) });
      const list = versions.get(key) ?? [];
      list.push({ businessDate: found.day, updatedAt: found.updated_ms === null ? null : Number(found.updated_ms), batch: found.batch });
      versions.set(key, list);
    }
    return versions;
  } finally {
    await command(`DROP TABLE IF EXISTS ${keys}`).catch(() => undefined);
  }
}
