/**
 * Stage one source of a day once the quality gate has passed: publish its transformed Parquet parts
 * as staging/<source>/year=YYYY/month=MM/date=<date>/, the staged truth the warehouse is built from.
 * The parts' sha256 digests go with them (stagedChecksums.ts), so a load refuses a part altered later.
 * Publishing is a folder rename locally, an engine copy per part on S3 (publishStagedFolder.ts); a
 * re-run replaces the previous version, and a crash leaves either version or none of them (the retry
 * publishes the pending one). A retry after a successful publish finds nothing pending and the folder
 * in place, and does nothing.
 */
import { existsSync } from 'node:fs';
import type { Warehouse } from '../../clickhouse/client';
import type { SourceName } from '../../domain/contracts';
import { badInput } from '../../domain/failures';
import type { DataLayout } from '../../domain/layout';
import { isS3 } from '../../domain/storage';
import { publishStagedFolder, publishStagedFolderToS3 } from './publishStagedFolder';

export interface StageInput {
  businessDate: string;
  source: SourceName;
}

export interface StageSummary {
  source: SourceName;
  stagedDir: string;
  parts: number;
  bytes: number;
}

/** `warehouse`: copies the parts when staging is on S3. */
export async function stageSource(layout: DataLayout, input: StageInput, warehouse?: Warehouse): Promise<StageSummary> {
  const { storage } = layout;
  const pending = layout.pendingDir(input.businessDate, input.source);
  const staged = layout.stagedDateDir(input.source, input.businessDate);
  if (existsSync(pending)) {
    if (!isS3(staged)) publishStagedFolder(pending, staged);
    else if (warehouse) await publishStagedFolderToS3(warehouse, storage, pending, staged);
    else throw new Error(`${staged}: staging on S3 needs the warehouse to copy the parts`);
  } else if ((await storage.list(staged)).length === 0) {
    throw badInput(`${pending}: nothing to stage; run the transform for ${input.businessDate} again`, 'NothingToStage');
  }
  const parts = (await storage.list(staged)).filter((name) => name.endsWith('.parquet'));
  const sizes = await Promise.all(parts.map((name) => storage.size(storage.join(staged, name))));
  return { source: input.source, stagedDir: staged, parts: parts.length, bytes: sizes.reduce((sum, size) => sum + size, 0) };
}
