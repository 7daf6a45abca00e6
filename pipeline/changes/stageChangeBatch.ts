/**
 * Stage a change batch. Each of its files goes through the stages a day's source file goes through,
 * the same code (pipeline/landedFile.ts): ingest checks it against the change contract (the source's
 * columns plus updated_at) and quarantines bad rows, the transform cleans it like the daily
 * transform (one row per key: the latest updated_at, then the later line; null strategies,
 * calculated columns, business rules). Then the engine compares every clean row with the versions
 * the warehouse holds of its key (changeDecisions.ts), lists every row that is not applied with its
 * reason, and writes the rows to stage under the business date of the row they change
 * (publishChanges.ts). Returns the months whose partitions must be rebuilt (only those holding an
 * applied row) and the counts per file: rows read = applied + already applied + quarantined +
 * duplicates + dropped.
 *
 * Every file is read and checked before anything is published, so a bad file fails the batch with
 * nothing staged. Rows never pass through JavaScript: the engine reads, decides and writes; the
 * result is counts and paths.
 */
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Warehouse } from '../../clickhouse/client';
import { currentWork, heartbeatWhile } from '../workContext';
import { type ChangeSource } from '../../domain/contracts/changes';
import { csvLine } from '../files/csvText';
import { changeBatchFile, type LandedFile } from '../landedFile';
import type { DataLayout } from '../../domain/layout';
import { QUARANTINE_HEADER } from '../read/headerPositions';
import { ingestLanded, type IngestOptions } from '../read/ingestSource';
import type { SourcesSettings } from '../../domain/settings/sources';
import { transformLanded } from '../clean/transformSource';
import { batchDateOf } from '../land/batchId';
import { decisionCountsSql, decisionsSql, listingSql, monthsToRebuildSql, notLoadedReason, SAME_VERSION_REASON } from './changeDecisions';
import { landedChangeFiles } from '../land/changeFiles';
import { publishPendingChanges, writePendingChanges, type PendingChanges } from '../publish/publishChanges';

export interface ChangeSourceAccount {
  source: ChangeSource;
  file: string;
  rowsRead: number;
  rowsApplied: number;
  rowsAlreadyApplied: number;
  rowsQuarantined: number;
  /** Repeated keys within the file: the latest updated_at (then the later line) was kept. */
  rowsDuplicate: number;
  /** Removed by a drop_row null strategy. */
  rowsDropped: number;
  /** The newest updated_at among the file's clean rows (epoch ms), or null when it had none. */
  newestUpdatedAt: number | null;
  quarantineFile: string;
  alreadyAppliedFile: string;
}

export interface MonthToRebuild {
  /** YYYYMM */
  month: number;
  /** A business date of the month with an applied row: what the month's load is started for. */
  businessDate: string;
  rowsApplied: number;
}

export interface ChangeStageSummary {
  batchId: string;
  batchDate: string;
  sources: ChangeSourceAccount[];
  /** Only months holding an applied row, oldest first: the partitions the batch rebuilds. */
  months: MonthToRebuild[];
  /** Rows written to staging (a row changing a key loaded on two dates counts twice). */
  stagedRows: number;
}

/** How the batch's files are ingested: the source's settings come from `sources`. */
export type ChangeIngestOptions = Omit<IngestOptions, 'contract'>;

/** A listing written in the work folder, moved to where a person reads it once every file passed. */
interface Listing {
  written: string;
  published: string;
}

export async function stageChangeBatch(warehouse: Warehouse, layout: DataLayout, sources: SourcesSettings, options: ChangeIngestOptions, batchId: string): Promise<ChangeStageSummary> {
  rmSync(layout.changeWorkDir(batchId), { recursive: true, force: true }); // a crashed attempt's leftovers
  const accounts: ChangeSourceAccount[] = [];
  const pending: PendingChanges[] = [];
  const listings: Listing[] = [];
  const months = new Map<number, MonthToRebuild>();
  let progress: Record<string, string> = { batchId };
  const step = (source: ChangeSource, name: string) => (progress = { batchId, source, step: name });
  try {
    await heartbeatWhile(() => ({ task: 'stage change batch', ...progress }), async () => {
      for (const { source } of landedChangeFiles(layout, batchId)) {
        const landed = changeBatchFile(layout, batchId, source);
        step(source, 'ingest');
        const ingested = await ingestLanded(warehouse, landed, { ...options, contract: sources[source] });
        step(source, 'transform');
        const transformed = await transformLanded(warehouse, landed, { settings: sources[source], signal: currentWork()?.cancellationSignal }, ingested.partitions);

        step(source, 'compare with the loaded versions');
        const decisions = path.join(landed.work.dir, 'decisions.parquet');
        const batch = { batch: batchId, notLoaded: notLoadedReason(source), sameVersion: SAME_VERSION_REASON };
        await warehouse.client.command({ query: decisionsSql(source), query_params: { ...batch, changes: path.join(transformed.cleanDir, '*.parquet'), decisions } });
        const [counts] = await query<{ applied: number | string; already_applied: number | string; not_loaded: number | string; newest: number | string | null }>(warehouse, decisionCountsSql(), { decisions });
        for (const m of await query<{ month: number | string; business_date: string; rows_applied: number | string }>(warehouse, monthsToRebuildSql(), { decisions })) {
          const entry = months.get(Number(m.month)) ?? { month: Number(m.month), businessDate: m.business_date, rowsApplied: 0 };
          if (m.business_date < entry.businessDate) entry.businessDate = m.business_date;
          entry.rowsApplied += Number(m.rows_applied);
          months.set(entry.month, entry);
        }

        step(source, 'list rows not applied');
        const quarantine = { written: path.join(landed.work.dir, 'quarantine.csv'), published: layout.changeQuarantineFile(batchId, source) };
        const alreadyApplied = { written: path.join(landed.work.dir, 'already_applied.csv'), published: layout.changeAlreadyAppliedFile(batchId, source) };
        await writeQuarantineListing(warehouse, landed, decisions, quarantine.written);
        await writeListing(warehouse, landed, decisions, 'already applied', alreadyApplied.written, true);
        listings.push(quarantine, alreadyApplied);

        step(source, 'write Parquet');
        pending.push(...(await writePendingChanges(warehouse, layout, source, batchId, decisions)));
        accounts.push({
          source,
          file: landed.file,
          rowsRead: ingested.rowsRead,
          rowsApplied: Number(counts.applied),
          rowsAlreadyApplied: Number(counts.already_applied),
          rowsQuarantined: ingested.rowsQuarantined + transformed.rowsQuarantined + Number(counts.not_loaded),
          rowsDuplicate: transformed.duplicatesRemoved,
          rowsDropped: transformed.rowsDropped,
          newestUpdatedAt: counts.newest === null ? null : Number(counts.newest),
          quarantineFile: quarantine.published,
          alreadyAppliedFile: alreadyApplied.published,
        });
      }
    });
    // Every file passed: publish them all.
    for (const { written, published } of listings) {
      mkdirSync(path.dirname(published), { recursive: true });
      renameSync(written, published);
    }
    publishPendingChanges(pending);
  } finally {
    rmSync(layout.changeWorkDir(batchId), { recursive: true, force: true });
  }
  return {
    batchId,
    batchDate: batchDateOf(batchId),
    sources: accounts,
    months: [...months.values()].sort((a, b) => a.month - b.month),
    stagedRows: pending.reduce((sum, p) => sum + p.rows, 0),
  };
}

/**
 * The file's one quarantine listing: the rows the contract refused (ingest's quarantine file, with
 * its header), then those a business rule refused (the transform's, without its header), then those
 * whose key is not in the warehouse. The files are joined as bytes: no row is parsed again.
 */
async function writeQuarantineListing(warehouse: Warehouse, landed: LandedFile, decisions: string, out: string): Promise<void> {
  copyFileSync(landed.quarantineFile, out);
  const header = Buffer.byteLength(listingHeader(landed));
  appendBytes(out, landed.rulesQuarantineFile, header);
  const notLoaded = `${out}.not-loaded`;
  await writeListing(warehouse, landed, decisions, 'not loaded', notLoaded, false);
  if (existsSync(notLoaded)) appendBytes(out, notLoaded, 0);
  rmSync(notLoaded, { force: true });
}

/** The rows with `verdict` as listing lines (the file's columns as delivered, with the reason). */
async function writeListing(warehouse: Warehouse, landed: LandedFile, decisions: string, verdict: string, out: string, header: boolean): Promise<void> {
  await warehouse.client.command({
    query: listingSql(landed.columns(), header),
    query_params: { decisions, verdict, out, landing: landed.file, ...(header ? { header: listingHeader(landed).slice(0, -1) } : {}) },
  });
}

/** The header of every listing (ingest's and the transform's quarantine files have the same). */
function listingHeader(landed: LandedFile): string {
  return csvLine([...QUARANTINE_HEADER, ...landed.columns().map((c) => c.name)]);
}

/** Append `from`'s bytes after its first `skip` to `to`, a chunk at a time. */
function appendBytes(to: string, from: string, skip: number): void {
  const input = openSync(from, 'r');
  const output = openSync(to, 'a');
  try {
    const chunk = Buffer.alloc(1 << 20);
    for (let at = skip, read = 0; (read = readSync(input, chunk, 0, chunk.length, at)) > 0; at += read) writeSync(output, chunk, 0, read);
  } finally {
    closeSync(input);
    closeSync(output);
  }
}

async function query<T>(warehouse: Warehouse, sql: string, query_params: Record<string, unknown>): Promise<T[]> {
  return (await warehouse.client.query({ query: sql, query_params, format: 'JSONEachRow' })).json<T>();
}
