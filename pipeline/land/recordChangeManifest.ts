/** Remember that this content of a change batch's files was acted on, and how it ended. Idempotent (ReplacingMergeTree). */
import type { Warehouse } from '../../clickhouse/client';
import type { ChangeBatchFile } from './detectChangeBatches';

export async function recordChangeManifest(warehouse: Warehouse, batchId: string, files: readonly ChangeBatchFile[], outcome: 'succeeded' | 'failed'): Promise<void> {
  if (files.length === 0) return;
  const seenAt = new Date().toISOString().replace('T', ' ').replace('Z', '');
  await warehouse.client.insert({
    table: 'change_manifest',
    format: 'JSONEachRow',
    values: files.map((f) => ({ batch_id: batchId, file: f.name, sha256: f.sha256, bytes: f.bytes, outcome, seen_at: seenAt })),
  });
}
