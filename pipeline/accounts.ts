/**
 * The one count merge: how the counts each stage reports become a source's account, for the
 * workflows, the run record, the benchmark and the tests alike. Every input row is accounted for:
 *
 *   read = loaded + quarantined + deduplicated + dropped + held back
 *
 * A run that stopped before loading (quality gate, a refused file, a failure, a cancel) holds back
 * what it read and did not set aside, with the reason. No Node imports: workflows use it.
 */
import type { SourceName } from '../domain/contracts';
import type { RuleViolationCount } from './clean/transformSource';
import type { SourceCounts } from './gate/evaluator';

export interface SourceAccount {
  source: SourceName;
  rowsRead: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  rowsDeduplicated: number;
  /** Removed by a drop-row null strategy. */
  rowsDropped: number;
  /**
   * Read and kept, but not loaded: the run stopped before loading (quality gate, a refused file, a
   * failed stage), or the day had no sales and loads nothing. Absent in records written before it existed.
   */
  rowsHeldBack?: number;
  /** Why rows were held back (the run's failure, in short); empty when none were. */
  heldBackReason?: string;
  /** The reason a source file was refused as a whole (missing, header, not UTF-8); its rows count 0 read. */
  refused?: string;
}

/** What the read stage (ingest) reports that the merge needs. */
export interface ReadCounts {
  source: SourceName;
  rowsRead: number;
  rowsQuarantined: number;
  /** The landed file's header as found. */
  header: string[];
}

/** What the clean stage (transform) reports that the merge needs. */
export interface CleanCounts {
  source: SourceName;
  rowsQuarantined: number;
  duplicatesRemoved: number;
  rowsDropped: number;
  ruleViolations: RuleViolationCount[];
}

/** The counts the quality gate judges a source by (completeness, header, rules), before anything loads. */
export function gateCounts(read: ReadCounts, clean: CleanCounts): SourceCounts {
  return {
    rowsRead: read.rowsRead,
    rowsQuarantined: read.rowsQuarantined + clean.rowsQuarantined,
    duplicatesRemoved: clean.duplicatesRemoved,
    header: read.header,
    ruleViolations: clean.ruleViolations,
  };
}

/** A source's account from its stages' counts; `rowsLoaded` is what the load reported (0 before). */
export function sourceAccount(read: ReadCounts, clean: CleanCounts | undefined, rowsLoaded = 0): SourceAccount {
  return {
    source: read.source,
    rowsRead: read.rowsRead,
    rowsQuarantined: read.rowsQuarantined + (clean?.rowsQuarantined ?? 0),
    rowsDeduplicated: clean?.duplicatesRemoved ?? 0,
    rowsDropped: clean?.rowsDropped ?? 0,
    rowsLoaded,
  };
}

/** The account of a run that stopped: what it read and did not set aside or load is held back, for `reason`. */
export function heldBack(account: SourceAccount, reason: string): SourceAccount {
  const rowsHeldBack = Math.max(0, account.rowsRead - account.rowsLoaded - account.rowsQuarantined - account.rowsDeduplicated - account.rowsDropped);
  return { ...account, rowsHeldBack, heldBackReason: rowsHeldBack > 0 ? reason : '' };
}

/** A source refused as a whole: no row of it was read. */
export function refusedAccount(source: SourceName, reason: string): SourceAccount {
  return { source, rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0, rowsDeduplicated: 0, rowsDropped: 0, rowsHeldBack: 0, refused: reason };
}

/** Where an account does not add up, in words; empty when every account does. */
export function conservationViolations(sources: readonly SourceAccount[]): string[] {
  const violations: string[] = [];
  for (const s of sources) {
    const held = s.rowsHeldBack ?? 0;
    if (s.rowsRead !== s.rowsLoaded + s.rowsQuarantined + s.rowsDeduplicated + s.rowsDropped + held) {
      violations.push(`${s.source}: read ${s.rowsRead} != loaded ${s.rowsLoaded} + quarantined ${s.rowsQuarantined} + deduplicated ${s.rowsDeduplicated} + dropped ${s.rowsDropped} + held back ${held}`);
    } else if (held > 0 && !s.heldBackReason) {
      violations.push(`${s.source}: ${held} rows held back without a reason`);
    }
  }
  return violations;
}
