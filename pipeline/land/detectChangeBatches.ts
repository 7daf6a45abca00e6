/**
 * Which change batches are new to the warehouse: every folder of landing/changes/ with at least one
 * CSV, where one of those files' (batch, name, sha256) is not in change_manifest (migration 0010),
 * kept in the warehouse like landing_manifest for days. Oldest batch id first, at most `limit`.
 * A folder whose name is not a batch id is reported as refused (never silently skipped).
 *
 * Files must land whole (write under another name, then rename), as for days: a batch is picked up
 * as soon as one of its files is there. A file added to an applied batch later makes it new again;
 * what was applied before is then a no-op.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Warehouse } from '../../clickhouse/client';
import { readSql } from '../../clickhouse/sqlFiles';
import { fileDigest } from '../archive/fileDigest';
import type { DataLayout } from '../../domain/layout';
import { confine } from '../../domain/security/confine';
import { batchDateOf, batchIdProblem } from './batchId';
import { csvFilesOfBatch } from './changeFiles';

export interface ChangeBatchFile { name: string; sha256: string; bytes: number }
export interface NewChangeBatch { batchId: string; batchDate: string; files: ChangeBatchFile[] }
export interface RefusedChangeFolder { folder: string; reason: string }
export interface DetectedChangeBatches { batches: NewChangeBatch[]; refused: RefusedChangeFolder[] }

export async function detectChangeBatches(warehouse: Warehouse, layout: DataLayout, limit: number): Promise<DetectedChangeBatches> {
  const root = layout.changesLandingDir();
  const folders = existsSync(root) ? readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() || e.isSymbolicLink()).map((e) => e.name).sort() : [];
  const refused: RefusedChangeFolder[] = [];
  const candidates: string[] = [];
  for (const folder of folders) {
    const problem = batchIdProblem(folder);
    if (problem) {
      refused.push({ folder, reason: `${problem}; rename the folder to land it` });
      continue;
    }
    try {
      if (csvFilesOfBatch(layout, folder).length > 0) candidates.push(folder);
    } catch (error) {
      // A folder linked out of the data folder: refused on its own, the other batches go on.
      refused.push({ folder, reason: (error as Error).message });
    }
  }
  if (candidates.length === 0) return { batches: [], refused };

  const result = await warehouse.client.query({ query: readSql('ops/known_change_files.sql'), query_params: { batches: candidates }, format: 'JSONEachRow' });
  const known = new Set((await result.json<{ batch_id: string; file: string; sha256: string }>()).map((r) => `${r.batch_id}/${r.file}/${r.sha256}`));
  const batches: NewChangeBatch[] = [];
  for (const batchId of candidates) {
    let files: ChangeBatchFile[];
    try {
      files = await digests(layout, batchId);
    } catch (error) {
      // Likewise a file linked out of the data folder.
      refused.push({ folder: batchId, reason: (error as Error).message });
      continue;
    }
    if (files.some((f) => !known.has(`${batchId}/${f.name}/${f.sha256}`))) batches.push({ batchId, batchDate: batchDateOf(batchId), files });
    if (batches.length >= limit) break;
  }
  return { batches, refused };
}

async function digests(layout: DataLayout, batchId: string): Promise<ChangeBatchFile[]> {
  const files: ChangeBatchFile[] = [];
  for (const name of csvFilesOfBatch(layout, batchId)) {
    files.push({ name, ...(await fileDigest(confine(layout.dataDir, path.join(layout.changeBatchDir(batchId), name)))) });
  }
  return files;
}
