/**
 * One landed CSV file, whichever kind of unit brought it: a business day's source file
 * (landing/<date>/<source>.csv) or a file of a change batch (landing/changes/<batch id>/<source>.csv).
 * Ingest (pipeline/read/ingestSource.ts) and transform (pipeline/clean/transformSource.ts) take a LandedFile, so
 * both kinds go through the same engine code; what differs is here: the contract (a change file has
 * its source's columns plus updated_at), how duplicates are decided, and where the work goes.
 */
import path from 'node:path';
import { CONTRACTS, contractColumns, type ColumnSpec, type ContractSettings, type SourceName } from '../domain/contracts';
import { changeFileColumns, changeRowSchema, VERSION_COLUMN, VERSION_COLUMNS, type ChangeSource } from '../domain/contracts/changes';
import type { DataLayout, SourceWork } from '../domain/layout';
import type { Storage } from '../domain/storage';

export interface LandedFile {
  source: SourceName;
  /** The CSV as landed: a path or an s3:// reference, read through `storage`. */
  file: string;
  /** Reads the landed file and writes the quarantine files, local or on S3 (storage.ts). */
  storage: Storage;
  /** How messages name the contract ("orders contract"). */
  contractName: string;
  /** The file's contract columns in header order (with their compiled SQL), built with the source's settings. */
  columns(settings?: ContractSettings): ColumnSpec[];
  /** Columns a valid row carries besides the source's (a change row: updated_at), passed through the transform as staged. */
  carried: readonly ColumnSpec[];
  /** The dedup rule when it is not the source settings' (a change file: the contract key, the latest updated_at). */
  dedup?: { key: readonly string[]; latestBy: string };
  /** The business_date ingest writes: the day; '' for a change row (it takes the date of the row it changes). */
  businessDate: string;
  work: SourceWork;
  /** Rows the contract refused (ingest). */
  quarantineFile: string;
  /** Rows a business rule moved to quarantine (transform). */
  rulesQuarantineFile: string;
}

export function dayFile(layout: DataLayout, businessDate: string, source: SourceName): LandedFile {
  const contract = CONTRACTS[source];
  return {
    source,
    file: layout.landingFile(businessDate, source),
    storage: layout.storage,
    contractName: `${source} contract`,
    columns: (settings) => contractColumns(contract, contract.buildSchema(settings)),
    carried: [],
    businessDate,
    work: layout.sourceWork(businessDate, source),
    quarantineFile: layout.quarantineFile(businessDate, source),
    rulesQuarantineFile: layout.rulesQuarantineFile(businessDate, source),
  };
}

/**
 * A change batch's file. Its two quarantine files stay in the batch's work folder: the batch lists
 * every row it did not apply in one file of its own (pipeline/changes/stageChangeBatch.ts).
 */
export function changeBatchFile(layout: DataLayout, batchId: string, source: ChangeSource): LandedFile {
  const work = layout.changeSourceWork(batchId, source);
  return {
    source,
    file: layout.changeBatchFile(batchId, source),
    storage: layout.storage,
    contractName: `${source} change contract (the ${source} columns plus ${VERSION_COLUMN})`,
    columns: (settings) => changeFileColumns(source, changeRowSchema(source, settings)),
    carried: VERSION_COLUMNS.filter((c) => c.name === VERSION_COLUMN),
    dedup: { key: CONTRACTS[source].key, latestBy: VERSION_COLUMN },
    businessDate: '',
    work,
    quarantineFile: path.join(work.dir, 'contract.quarantine.csv'),
    rulesQuarantineFile: path.join(work.dir, 'rules.quarantine.csv'),
  };
}
