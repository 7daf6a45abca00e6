/**
 * Clean one source's validated rows: remove duplicates by the contract's key and add calculated
 * fields. Timestamps were standardised to UTC epoch milliseconds by the contract at ingestion.
 */
import { Context } from '@temporalio/activity';
import { CONTRACTS, type SourceName } from '../contracts';
import { BufferedWriter } from '../files/bufferedWriter';
import type { DataLayout } from '../files/layout';
import { readNdjson } from '../files/ndjson';
import { Deduplicator } from './deduplicate';
import { enrich } from './enrich';

export interface TransformInput {
  businessDate: string;
  source: SourceName;
}

export interface RuleViolationCount {
  rule: string;
  /** `quarantine`: the row was moved to quarantine; `flag`: the row was kept and counted. */
  action: 'quarantine' | 'flag';
  count: number;
}

export interface NullHandlingCount {
  column: string;
  strategy: 'drop_row' | 'fill_constant' | 'fill_from_column' | 'unknown_member';
  count: number;
}

export interface TransformSummary {
  source: SourceName;
  rowsIn: number;
  rowsOut: number;
  duplicatesRemoved: number;
  /** Rows moved to quarantine by quarantine-severity business rules. */
  rowsQuarantined: number;
  /** Rows removed by a drop-row null strategy. */
  rowsDropped: number;
  ruleViolations: RuleViolationCount[];
  nullsHandled: NullHandlingCount[];
  cleanFile: string;
}

export async function transformSource(layout: DataLayout, input: TransformInput): Promise<TransformSummary> {
  const contract = CONTRACTS[input.source];
  const deduplicator = new Deduplicator(contract.key, contract.latestBy);
  let rowsIn = 0;
  for await (const row of readNdjson(layout.workFile(input.businessDate, input.source, 'valid'))) {
    deduplicator.add(row);
    rowsIn += 1;
    if (rowsIn % 100_000 === 0) Context.current().heartbeat({ rowsIn });
  }

  const clean = new BufferedWriter(layout.workFile(input.businessDate, input.source, 'clean'));
  let rowsOut = 0;
  try {
    for (const row of deduplicator.rows()) {
      clean.write(`${JSON.stringify(enrich(input.source, row))}\n`);
      rowsOut += 1;
      await clean.flushIfFull();
    }
    await clean.close();
  } catch (error) {
    clean.abort();
    throw error;
  }
  return {
    source: input.source,
    rowsIn,
    rowsOut,
    duplicatesRemoved: deduplicator.duplicatesRemoved,
    rowsQuarantined: 0,
    rowsDropped: 0,
    ruleViolations: [],
    nullsHandled: [],
    cleanFile: clean.filePath,
  };
}
