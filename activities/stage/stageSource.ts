/**
 * Stage one source's clean rows as Parquet in its month partition:
 * staging/<source>/year=YYYY/month=MM/<date>.parquet. Re-staging a date overwrites its file, so the
 * month folder always holds exactly one file per loaded date.
 */
import { Context } from '@temporalio/activity';
import { stagedColumns, type SourceName } from '../contracts';
import type { DataLayout } from '../files/layout';
import { readCleanRows } from '../files/cleanRows';
import { ParquetFileWriter } from './parquetWriter';

export interface StageInput {
  businessDate: string;
  source: SourceName;
}

export interface StageSummary {
  source: SourceName;
  stagedFile: string;
  rows: number;
}

export async function stageSource(layout: DataLayout, input: StageInput): Promise<StageSummary> {
  const writer = new ParquetFileWriter(layout.stagedFile(input.source, input.businessDate), stagedColumns(input.source));
  for await (const row of readCleanRows(layout, input.businessDate, input.source)) {
    writer.add(row);
    if (writer.rows % 100_000 === 0) Context.current().heartbeat({ rows: writer.rows });
  }
  writer.close();
  return { source: input.source, stagedFile: writer.filePath, rows: writer.rows };
}
