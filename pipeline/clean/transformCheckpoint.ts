/**
 * Where a transform stands after each finished partition, so a retry of the activity resumes there
 * instead of starting over. The transform writes it to a file after every partition; the activity
 * heartbeats it (Temporal keeps the last heartbeat's details for the next attempt), and the next
 * attempt gets it back from its heartbeat details. Only a retry of the same activity sees them: a new
 * run of the day (which ingests again) starts from scratch. Counts and rule names only: no row values.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomically } from '../../domain/writeFileAtomically';
import type { NullHandlingCount, RuleViolationCount } from './transformSource';

export interface TransformCounts {
  rowsIn: number;
  rowsOut: number;
  duplicatesRemoved: number;
  rowsQuarantined: number;
  rowsDropped: number;
}

export interface TransformCheckpoint {
  /** Partitions of the input it belongs to: a checkpoint of another input is ignored. */
  partitions: number;
  /** Partitions 0..partitionsDone-1 are written; the next attempt starts at partitionsDone. */
  partitionsDone: number;
  /** Names the attempt's folders of finished parts and rules-quarantine segments. */
  token: string;
  counts: TransformCounts;
  ruleViolations: RuleViolationCount[];
  nullsHandled: NullHandlingCount[];
}

export function writeCheckpoint(file: string, checkpoint: TransformCheckpoint): void {
  writeFileAtomically(file, JSON.stringify(checkpoint));
}

export function readCheckpoint(file: string): TransformCheckpoint | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TransformCheckpoint;
  } catch {
    return undefined; // being replaced this instant: the next heartbeat reads it
  }
}

/** The checkpoint in an attempt's heartbeat details, if the previous attempt left one. */
export function checkpointFromDetails(details: unknown): TransformCheckpoint | undefined {
  const checkpoint = (details as { checkpoint?: TransformCheckpoint } | undefined)?.checkpoint;
  return checkpoint && Number.isInteger(checkpoint.partitionsDone) && typeof checkpoint.token === 'string' ? checkpoint : undefined;
}
