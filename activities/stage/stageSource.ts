/**
 * Stage one source of a day once the quality gate has passed: publish its transformed Parquet as
 * staging/<source>/year=YYYY/month=MM/<date>.parquet, the staged truth the warehouse is built from.
 * A rename on the same file system, so the staged file is either the old one or the new one. A retry
 * after a successful rename finds the file already staged and does nothing.
 */
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SourceName } from '../contracts';
import { badInput } from '../errors';
import type { DataLayout } from '../files/layout';

export interface StageInput {
  businessDate: string;
  source: SourceName;
}

export interface StageSummary {
  source: SourceName;
  stagedFile: string;
  bytes: number;
}

export async function stageSource(layout: DataLayout, input: StageInput): Promise<StageSummary> {
  const pending = layout.pendingParquet(input.businessDate, input.source);
  const staged = layout.stagedFile(input.source, input.businessDate);
  if (existsSync(pending)) {
    mkdirSync(path.dirname(staged), { recursive: true });
    renameSync(pending, staged);
  } else if (!existsSync(staged)) {
    throw badInput(`${pending}: nothing to stage; run the transform for ${input.businessDate} again`, 'NothingToStage');
  }
  return { source: input.source, stagedFile: staged, bytes: statSync(staged).size };
}
