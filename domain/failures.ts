/**
 * Every failure type a run can end with, in one place: what it means and what a person does next.
 * These failures are not fixed by retrying (bad input, a refused setting, a damaged archive), so
 * they are non-retryable and their messages name the file (and where possible line and column) for
 * the person reading the Web UI. Anything else a stage throws is retried by Temporal.
 *
 * ApplicationFailure comes from @temporalio/common, the SDK's environment-free data types (no worker,
 * no activity context): the pipeline raises Temporal's own failure shape so that the same error
 * reads the same in a workflow history, a test and a script. No Node imports: workflows use it too.
 */
import { ApplicationFailure } from '@temporalio/common';

export const FAILURE_TYPES = {
  // The landed files
  MissingSourceFile: 'a source file of the day is not in landing: land it and start the run again',
  UnreadableSourceFile: 'a landed file is not CSV the engine can read (not UTF-8, an unterminated quote, a truncated line): the message names the file and record; land a repaired export',
  HeaderMismatch: "a landed file's header misses a contract column or repeats one: land an export with the contract's columns",
  UnknownSource: 'a source name that is not one of the contracts',
  UnknownChangeFile: 'a change batch holds a file that is not orders.csv or payments.csv',
  EmptyChangeBatch: 'a change batch folder holds no change file',
  InvalidBatchId: 'a change batch folder name that is not a batch id',
  InvalidBusinessDate: 'a business date that is not a calendar date YYYY-MM-DD',
  MissingBusinessDate: 'dailyLoad started without a business date and not by a Schedule',
  LateFiles: "the day's files did not all land before the deadline: land them and start the run again",
  // Settings and storage
  InvalidSettings: 'pipeline settings the worker refuses (the message lists each one): fix them and restart the worker',
  PathOutsideRoot: 'a path built from run inputs leaves the data folder or bucket prefix: refused',
  StorageNotConfigured: 'an s3:// location without S3 credentials (CARTWHEEL_S3_*)',
  StorageRefused: 'the S3 store refused a request (credentials, bucket): the message says which',
  StorageNotSupported: 'a feature that still needs local folders was used with S3 locations (docs/storage.md)',
  // The archive (replays)
  ArchiveMissing: 'a replay asked for a day or change batch that was never archived',
  ArchiveDamaged: "an archived file does not match its manifest's checksum: restore the archive from a copy",
  ArchiveKeyMissing: 'an archived file is encrypted with a key this worker does not have: configure that key',
  ArchiveConflict: "the archive already holds different bytes under this day's or batch's name: archives are immutable",
  // The quality gate and the warehouse
  QualityGateFailed: 'a quality check failed its threshold: the load was stopped and the warehouse untouched (see the report)',
  NothingToStage: 'staging found no transformed parts: run the transform again',
  DamagedStagedFile: 'a staged Parquet part does not match its checksum: re-run the day to stage it again',
  DateOutsideCalendar: "facts name dates the warehouse calendar cannot hold: narrow the contract's date bounds",
  ConservationViolated: "a run's counts do not add up (read = loaded + quarantined + deduplicated + dropped + held back): a bug, recorded and refused",
} as const satisfies Record<string, string>;

export type FailureType = keyof typeof FAILURE_TYPES;

/** A non-retryable failure of a catalogued type. */
export function badInput(message: string, type: FailureType): ApplicationFailure {
  return ApplicationFailure.create({ message, type, nonRetryable: true });
}
