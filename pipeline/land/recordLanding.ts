/** Remember that incrementalLoad acted on this content of a day's files, and how it ended. Idempotent (ReplacingMergeTree). */
import type { Warehouse } from '../../clickhouse/client';
import type { NewLanding } from './detectNewLandings';

export async function recordLanding(warehouse: Warehouse, landing: NewLanding, outcome: 'succeeded' | 'failed'): Promise<void> {
  const seenAt = new Date().toISOString().replace('T', ' ').replace('Z', '');
  await warehouse.client.insert({
    table: 'landing_manifest',
    format: 'JSONEachRow',
    values: landing.files.map((f) => ({ business_date: landing.businessDate, file: f.name, sha256: f.sha256, bytes: f.bytes, outcome, seen_at: seenAt })),
  });
}
