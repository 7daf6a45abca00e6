/**
 * Where every file of a run lives, in one place:
 *
 *   landing/<date>/<source>.csv                                raw exports as they arrive
 *   work/<date>/<source>/valid-NNNN.native                     validated rows, hash-partitioned, ingest -> transform
 *   work/<date>/<source>/rejected.native                       rows the contract rejected, until ingest writes the quarantine file
 *   work/<date>/<source>/clean/part-PPPP-NNNN.parquet          transformed rows (per partition P), waiting for the quality gate
 *   work/<date>/<source>/{clean,rules}.partial-<token>/        a transform attempt's finished partitions (resumable)
 *   quarantine/<date>/<source>.quarantine.csv                  rows the contract rejected: file, line, column, reason
 *   quarantine/<date>/<source>.rules.quarantine.csv            rows a business rule moved to quarantine
 *   staging/<source>/year=YYYY/month=MM/date=<date>/part-NNNN.parquet   the staged truth the warehouse is built from
 *   reports/<date>/quality.json                                quality results of the day's latest run
 *
 * Change batches (pipeline/changes/), later versions of loaded order lines and payments:
 *   landing/changes/<batch>/<source>.csv                       orders.csv and/or payments.csv plus updated_at
 *   work/changes/<batch>/<source>/                             the file's ingest and transform work, as a day's (SourceWork)
 *   work/changes/<batch>/<source>/month=YYYY-MM/               Parquet waiting to be published into staging
 *   quarantine/changes/<batch>/<source>.quarantine.csv         rows refused: contract, business rule, key not loaded
 *   quarantine/changes/<batch>/<source>.already_applied.csv    rows not newer than the warehouse's version
 *   staging/<source>/year=YYYY/month=MM/changes=<batch>/part-NNNN.parquet   a batch's rows of that month
 *
 * landing/, staging/, quarantine/ and archive/ are each a folder of the data folder by default, or
 * another folder, or an S3 prefix (CARTWHEEL_*_URL, storage.ts): names are then s3://bucket/key
 * references, read and written through `layout.storage`. work/ and reports/ stay local to the worker.
 */
import path from 'node:path';
import { CONTRACTS, type SourceName } from './contracts';
import { badInput } from './failures';
import { assertSegment, confine } from './security/confine';
import { isS3, Storage, STORAGE_AREAS, type StorageArea, type StorageSettings } from './storage';

/**
 * The format of the ingest -> transform hand-over files: ClickHouse's own, written block by block as
 * it comes (no encoding, no compression, no row group held per partition writer) and read back by
 * the engine that wrote them, never by a person or another tool. Against snappy Parquet on the 1M day's orders: writing 0.8 CPU-s
 * less, and no per-partition row-group buffers (they held up to 128 MiB per ingest statement).
 */
export const HANDOVER_FORMAT = { name: 'Native', extension: 'native' } as const;

/** The ingest's `{_partition_id}` of rejected rows (valid rows: `valid-NNNN`). */
export const REJECTED_PARTITION = 'rejected';

export class DataLayout {
  /** Where landing, staging, quarantine and archive live: a folder each, or an s3:// prefix (storage.ts). */
  readonly roots: Readonly<Record<StorageArea, string>>;
  /** Reads and writes what this layout names, local or on S3. */
  readonly storage: Storage;

  /**
   * `workRoot`: this worker's scratch folder (`work/` above), by default inside the data folder. A
   * worker of several gives it a folder of its own: a day's file work stays on the worker it is
   * pinned to (workflows/dayPinning.ts), and only landing, staging, quarantine and archive are shared.
   * `storage`: landing, staging, quarantine and archive elsewhere than `<dataDir>/<area>` (a folder or
   * an s3:// prefix), and the S3 access; the work folder and reports stay local to the worker.
   */
  constructor(readonly dataDir: string, readonly workRoot: string = path.join(dataDir, 'work'), storage: StorageSettings = {}) {
    this.roots = Object.fromEntries(STORAGE_AREAS.map((area) => [area, resolveRoot(storage[area] ?? path.join(dataDir, area))])) as Record<StorageArea, string>;
    this.storage = new Storage(storage.s3);
  }

  /**
   * Refuses, naming the setting, what still works on local folders only: change batches, landing
   * detection, restores from the archive (they list and rename with the file system).
   */
  assertLocalStorage(what: string): void {
    const remote = STORAGE_AREAS.filter((area) => isS3(this.roots[area]));
    if (remote.length > 0) {
      throw badInput(`${what} need local folders for now, and ${remote.join(', ')} ${remote.length > 1 ? 'are' : 'is'} on S3 (CARTWHEEL_${remote[0].toUpperCase()}_URL); see docs/storage.md`, 'StorageNotSupported');
    }
  }

  /** A name under its area's root; dates and source names come from run inputs, so it is confined. */
  private at(...segments: string[]): string {
    if (segments[0] === 'work') return confine(this.workRoot, path.join(this.workRoot, ...segments.slice(1)));
    if ((STORAGE_AREAS as readonly string[]).includes(segments[0])) return this.storage.join(this.roots[segments[0] as StorageArea], ...segments.slice(1));
    return confine(this.dataDir, path.join(this.dataDir, ...segments));
  }

  landingDir(businessDate: string): string {
    return this.at('landing', date(businessDate));
  }

  landingFile(businessDate: string, source: SourceName): string {
    return this.at('landing', date(businessDate), CONTRACTS[known(source)].fileName);
  }

  /** Everything a run of the day writes before staging: partitions and pending Parquet parts. */
  workDir(businessDate: string): string {
    return this.at('work', date(businessDate));
  }

  quarantineDir(businessDate: string): string {
    return this.at('quarantine', date(businessDate));
  }

  /** The work folder of one source of a day: what its ingest and transform write (SourceWork). */
  sourceWork(businessDate: string, source: SourceName): SourceWork {
    return new SourceWork(this.at('work', date(businessDate), known(source)));
  }

  /** Validated rows of one partition, between ingest and transform. */
  validPartition(businessDate: string, source: SourceName, partition: number): string {
    return this.sourceWork(businessDate, source).validPartition(partition);
  }

  /** The transformed rows of a day, as Parquet parts, until the quality gate lets stage publish them. */
  pendingDir(businessDate: string, source: SourceName): string {
    return this.sourceWork(businessDate, source).pendingDir();
  }

  /** A transform attempt's finished partitions: Parquet parts, and rules-quarantine segments (transformCheckpoint.ts). */
  transformPartialDirs(businessDate: string, source: SourceName, token: string): { parts: string; rules: string } {
    return this.sourceWork(businessDate, source).partialDirs(token);
  }

  /** Where the transform records its progress after each partition. */
  transformCheckpointFile(businessDate: string, source: SourceName): string {
    return this.sourceWork(businessDate, source).checkpointFile();
  }

  /** Rows moved to quarantine by business rules (the contract's quarantine is quarantineFile). */
  rulesQuarantineFile(businessDate: string, source: SourceName): string {
    return this.at('quarantine', date(businessDate), `${known(source)}.rules.quarantine.csv`);
  }

  quarantineFile(businessDate: string, source: SourceName): string {
    return this.at('quarantine', date(businessDate), `${known(source)}.quarantine.csv`);
  }

  stagingMonthDir(source: SourceName, businessDate: string): string {
    const [year, month] = date(businessDate).split('-');
    return this.at('staging', known(source), `year=${year}`, `month=${month}`);
  }

  /** One business date's staged Parquet parts (part-NNNN.parquet), inside its month. */
  stagedDateDir(source: SourceName, businessDate: string): string {
    return this.storage.join(this.stagingMonthDir(source, businessDate), `date=${date(businessDate)}`);
  }

  /** archive/<date>/: a day's encrypted exports and manifest.json (archive/archiveLayout.ts). */
  archiveDir(businessDate: string): string {
    return this.at('archive', date(businessDate));
  }

  qualityReport(businessDate: string): string {
    return this.at('reports', date(businessDate), 'quality.json');
  }

  /** Where change batches land, one folder per batch id. */
  changesLandingDir(): string {
    return this.at('landing', 'changes');
  }

  changeBatchDir(batchId: string): string {
    return this.at('landing', 'changes', batch(batchId));
  }

  changeBatchFile(batchId: string, source: SourceName): string {
    return this.at('landing', 'changes', batch(batchId), CONTRACTS[known(source)].fileName);
  }

  /** A batch's work: per file a SourceWork, and the Parquet published into staging by folder renames. */
  changeWorkDir(batchId: string): string {
    return this.at('work', 'changes', batch(batchId));
  }

  /** The work folder of one file of a change batch: the same names as a day's (SourceWork). */
  changeSourceWork(batchId: string, source: SourceName): SourceWork {
    return new SourceWork(this.at('work', 'changes', batch(batchId), known(source)));
  }

  changeQuarantineFile(batchId: string, source: SourceName): string {
    return this.at('quarantine', 'changes', batch(batchId), `${known(source)}.quarantine.csv`);
  }

  changeAlreadyAppliedFile(batchId: string, source: SourceName): string {
    return this.at('quarantine', 'changes', batch(batchId), `${known(source)}.already_applied.csv`);
  }

  /** A change batch's staged rows of one month (the month of `businessDate`). */
  stagedChangesDir(source: SourceName, businessDate: string, batchId: string): string {
    return this.storage.join(this.stagingMonthDir(source, businessDate), `changes=${batch(batchId)}`);
  }
}

/**
 * The work folder of one landed file (a day's source file or a change batch's file), named alike for
 * both: valid-NNNN.native and rejected.native (ingest -> transform), clean/ (transformed parts),
 * clean.partial-<token>/ and rules.partial-<token>/ (a transform attempt), transform.checkpoint.json.
 */
export class SourceWork {
  /** `dir` is already confined to the data folder (DataLayout makes it). */
  constructor(readonly dir: string) {}

  /** The ingest's output for `{_partition_id}` (`valid-NNNN` or `rejected`), as file() writes it. */
  partitionPattern(): string {
    return path.join(this.dir, `{_partition_id}.${HANDOVER_FORMAT.extension}`);
  }

  validPartition(partition: number): string {
    return path.join(this.dir, `valid-${String(partition).padStart(4, '0')}.${HANDOVER_FORMAT.extension}`);
  }

  rejectedRows(): string {
    return path.join(this.dir, `${REJECTED_PARTITION}.${HANDOVER_FORMAT.extension}`);
  }

  /** Whether `name` is one of the ingest's output files (valid partitions and rejected rows). */
  isIngestOutput(name: string): boolean {
    return new RegExp(`^(valid-\\d{4}|${REJECTED_PARTITION})\\.${HANDOVER_FORMAT.extension}$`).test(name);
  }

  pendingDir(): string {
    return path.join(this.dir, 'clean');
  }

  partialDirs(token: string): { parts: string; rules: string } {
    const segment = assertSegment(token, 'transform attempt token');
    return { parts: path.join(this.dir, `clean.partial-${segment}`), rules: path.join(this.dir, `rules.partial-${segment}`) };
  }

  checkpointFile(): string {
    return path.join(this.dir, 'transform.checkpoint.json');
  }
}

/** A local root as an absolute path; an s3:// prefix as written, without a trailing slash. */
function resolveRoot(root: string): string {
  return isS3(root) ? root.replace(/\/+$/, '') : path.resolve(root);
}

/** A change batch id used as a folder name: one plain segment (activities also check its form). */
function batch(batchId: string): string {
  return assertSegment(batchId, 'change batch id');
}

/** A business date used as a folder name: one plain segment (activities also check it is a calendar date). */
function date(businessDate: string): string {
  return assertSegment(businessDate, 'business date');
}

/** A source name used as a folder or file name: one of the contracts. */
function known(source: SourceName): SourceName {
  if (!Object.hasOwn(CONTRACTS, source)) throw badInput(`source "${source}" is not one of ${Object.keys(CONTRACTS).join(', ')}`, 'UnknownSource');
  return source;
}

/** Business dates become folder names; refuse anything that is not a real calendar date (non-retryable). */
export { assertBusinessDate } from './businessDateRule';
