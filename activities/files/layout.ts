/**
 * Where every file of a run lives, in one place:
 *
 *   landing/<date>/<source>.csv                                raw exports as they arrive
 *   work/<date>/<source>/valid-NNNN.ndjson                     validated rows, hash-partitioned, ingest -> transform
 *   work/<date>/<source>/clean/part-NNNN.parquet               transformed rows, waiting for the quality gate
 *   quarantine/<date>/<source>.quarantine.csv                  rows the contract rejected: file, line, column, reason
 *   quarantine/<date>/<source>.rules.quarantine.csv            rows a business rule moved to quarantine
 *   staging/<source>/year=YYYY/month=MM/date=<date>/part-NNNN.parquet   the staged truth the warehouse is built from
 *   reports/<date>/quality.json                                quality results of the day's latest run
 */
import path from 'node:path';
import { CONTRACTS, type SourceName } from '../contracts';

export class DataLayout {
  constructor(readonly dataDir: string) {}

  landingDir(businessDate: string): string {
    return path.join(this.dataDir, 'landing', businessDate);
  }

  landingFile(businessDate: string, source: SourceName): string {
    return path.join(this.landingDir(businessDate), CONTRACTS[source].fileName);
  }

  /** Validated rows of one partition, between ingest and transform. */
  validPartition(businessDate: string, source: SourceName, partition: number): string {
    return path.join(this.dataDir, 'work', businessDate, source, `valid-${String(partition).padStart(4, '0')}.ndjson`);
  }

  /** The transformed rows of a day, as Parquet parts, until the quality gate lets stage publish them. */
  pendingDir(businessDate: string, source: SourceName): string {
    return path.join(this.dataDir, 'work', businessDate, source, 'clean');
  }

  /** Rows moved to quarantine by business rules (the contract's quarantine is quarantineFile). */
  rulesQuarantineFile(businessDate: string, source: SourceName): string {
    return path.join(this.dataDir, 'quarantine', businessDate, `${source}.rules.quarantine.csv`);
  }

  quarantineFile(businessDate: string, source: SourceName): string {
    return path.join(this.dataDir, 'quarantine', businessDate, `${source}.quarantine.csv`);
  }

  stagingMonthDir(source: SourceName, businessDate: string): string {
    const [year, month] = businessDate.split('-');
    return path.join(this.dataDir, 'staging', source, `year=${year}`, `month=${month}`);
  }

  /** One business date's staged Parquet parts (part-NNNN.parquet), inside its month. */
  stagedDateDir(source: SourceName, businessDate: string): string {
    return path.join(this.stagingMonthDir(source, businessDate), `date=${businessDate}`);
  }

  qualityReport(businessDate: string): string {
    return path.join(this.dataDir, 'reports', businessDate, 'quality.json');
  }
}

const BUSINESS_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Business dates become folder names; refuse anything that is not a real calendar date. */
export function assertBusinessDate(value: string): string {
  const parsed = new Date(`${value}T00:00:00Z`);
  if (!BUSINESS_DATE.test(value) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
    throw new Error(`business date "${value}" is not a calendar date in YYYY-MM-DD form`);
  }
  return value;
}
