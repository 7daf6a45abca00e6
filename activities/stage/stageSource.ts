/**
 * Stage one source of a day once the quality gate has passed: publish its transformed Parquet parts
 * as staging/<source>/year=YYYY/month=MM/date=<date>/, the staged truth the warehouse is built from.
 * The parts' sha256 digests go with them (stagedChecksums.ts), so a load refuses a part altered later.
 * Publishing is a folder rename; a re-run moves the previous folder aside first and deletes it after,
 * so a crash leaves either version or none of them (and the retry publishes the pending one). A retry
 * after a successful publish finds nothing pending and the folder in place, and does nothing.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SourceName } from '../contracts';
import { badInput } from '../errors';
import type { DataLayout } from '../files/layout';
import { publishStagedFolder } from './publishStagedFolder';

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

export async function stageSource(layout: DataLayout, input: StageInput): Promise<StageSummary> {
  const pending = layout.pendingDir(input.businessDate, input.source);
  const staged = layout.stagedDateDir(input.source, input.businessDate);
  if (existsSync(pending)) {
    publishStagedFolder(pending, staged);
  } else if (!existsSync(staged)) {
    throw badInput(`${pending}: nothing to stage; run the transform for ${input.businessDate} again`, 'NothingToStage');
  }
  const parts = readdirSync(staged).filter((name) => name.endsWith('.parquet'));
  const bytes = parts.reduce((sum, name) => sum + statSync(path.join(staged, name)).size, 0);
  return { source: input.source, stagedDir: staged, parts: parts.length, bytes };
}
