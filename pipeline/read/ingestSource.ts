/**
 * Ingest one landed file in the engine (a business day's source file, or a file of a change batch:
 * pipeline/landedFile.ts): the contract is enforced row by row by
 * ClickHouse (ingestSql.ts), the valid typed rows are spread over hash partitions for the transform,
 * and the rest is quarantined with file, line, column, value and reason. A bad row never stops the
 * run; a bad file (missing, unreadable, empty, not UTF-8, header not matching the contract, not CSV
 * the engine can read) fails the source with a non-retryable error naming it.
 *
 * Rows never become JavaScript objects here: JavaScript checks the bytes (csvScan.ts), matches the
 * header, and writes the SQL; the engine reads, decides and writes.
 *
 * Personal data: a valid row's personal columns are written only as their protected forms
 * (ciphertext, token, masked value), computed in the engine (security/personalSql.ts). A quarantined
 * row keeps its original columns as delivered (a person fixes and re-lands it; the quarantine folder
 * is as sensitive as landing/), but its `_value` cell shows a personal value masked. The rejected
 * rows' scratch file, which holds them too, is deleted once the quarantine file is written.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Warehouse } from '../../clickhouse/client';
import { replacingStatement } from '../../clickhouse/replacingStatement';
import { currentWork } from '../workContext';
import { personalColumns, type SourceName } from '../../domain/contracts';
import type { ContractSettings } from '../../domain/contracts/columns';
import { badInput } from '../../domain/failures';
import { csvLine } from '../files/csvText';
import { dayFile, type LandedFile } from '../landedFile';
import { isS3 } from '../../domain/storage';
import { HANDOVER_FORMAT, type DataLayout } from '../../domain/layout';
import { partitionCount } from '../../domain/partitions';
import { personalKeysOf, type TransferableKeys } from '../../domain/security/personalDataKeys';
import { withPersonalKeys } from '../../domain/security/personalSql';
import { CsvFileError, scanCsvFile } from './csvScan';
import { engineRefusal } from './engineErrors';
import { headerPositions, QUARANTINE_HEADER } from './headerPositions';
import { csvStructure, ingestSql, normalisingColumns, type PersonalFormsSql } from './ingestSql';
import { ingestCountsSql, quarantineSql, topReasonsSql } from './quarantineSql';

export interface IngestInput {
  businessDate: string;
  source: SourceName;
}

export interface IngestOptions {
  /** The source's settings the contract is built with: date formats, null tokens, bounds, free-text modes. */
  contract: ContractSettings;
  /** Input bytes per partition: bounds the transform's memory. */
  partitionBytes: number;
  /** Keys protecting personal columns (never logged); absent: the development keys, outside prod. */
  personalData?: TransferableKeys;
}

export interface IngestSummary {
  source: SourceName;
  file: string;
  rowsRead: number;
  rowsValid: number;
  rowsQuarantined: number;
  /** The file's header as found (reordered columns are fine; schema-drift checks compare it with the contract). */
  header: string[];
  partitions: number;
  quarantineFile: string;
  /** A few quarantine reasons with their counts, for the run summary (no row values: they may be personal data). */
  topReasons: { column: string; reason: string; count: number }[];
  /** Values changed on purpose, per column: null tokens read as missing, line breaks made spaces (rows read, valid or not). */
  valuesNormalised: { column: string; kind: 'null_token' | 'line_break'; count: number }[];
}

/** A business day's source file. */
export async function ingestSource(warehouse: Warehouse, layout: DataLayout, options: IngestOptions, input: IngestInput): Promise<IngestSummary> {
  return ingestLanded(warehouse, dayFile(layout, input.businessDate, input.source), options);
}

export async function ingestLanded(warehouse: Warehouse, landed: LandedFile, options: IngestOptions): Promise<IngestSummary> {
  const { file, source, storage } = landed;
  if (!(await storage.exists(file))) throw badInput(`${file}: source file is missing`, 'MissingSourceFile');

  const signal = currentWork()?.cancellationSignal;
  const scan = await scanCsvFile(file, signal, (ref, s) => storage.readStream(ref, s)).catch((error: unknown) => {
    throw error instanceof CsvFileError ? badInput(error.message, 'UnreadableSourceFile') : error;
  });
  const columns = landed.columns(options.contract);
  const expected = columns.map((column) => column.name);
  const optionalInHeader = columns.filter((column) => column.optionalInHeader).map((column) => column.name);
  // Columns are read by name, so a reordered export is still read correctly; a column a file may
  // lack (optionalInHeader) is read as empty.
  const positions = headerPositions(file, scan.header, expected, landed.contractName, optionalInHeader);
  const bytes = await storage.size(file);
  const partitions = partitionCount(bytes, options.partitionBytes);

  const workDir = landed.work.dir;
  clearPartitions(landed);
  const quarantineFile = landed.quarantineFile;
  if (!isS3(quarantineFile)) mkdirSync(path.dirname(quarantineFile), { recursive: true });
  const header = csvLine([...QUARANTINE_HEADER, ...expected]);
  // A retry's statements replace what an earlier attempt may have left running on the server over
  // the same work folder (clickhouse/replacingStatement.ts).
  const command = (kind: 'ingest' | 'ingest-quarantine', query: string, query_params: Record<string, unknown>, session_id?: string) =>
    warehouse.client.command({ query, query_params, abort_signal: signal, session_id, ...replacingStatement(warehouse, kind, workDir) }).catch((error: unknown) => {
      throw engineRefusal(file, error);
    });

  if (bytes > scan.dataOffset) {
    const csvTable = storage.tableFunction(file, 'csv', 'CSV', '{structure:String}');
    const multiLine = scan.multiLineRecords.length > 0;
    const read = (personal?: PersonalFormsSql, session_id?: string) =>
      command(
        'ingest',
        ingestSql({ source, columns, positions, width: scan.header.length, partitions, multiLine, lineBreak: scan.lineBreak, personal, csvTable: csvTable.sql }),
        {
          ...csvTable.params,
          structure: csvStructure(scan.header.length),
          out: landed.work.partitionPattern(),
          businessDate: landed.businessDate,
          ...(multiLine ? { records: scan.multiLineRecords.map((m) => m.record), linesSoFar: scan.multiLineRecords.map((m) => m.linesSoFar) } : {}),
        },
        session_id,
      );
    if (personalColumns(source).length === 0) await read();
    else {
      // The keys reach the engine as data of a session's temporary table, never as SQL text (personalSql.ts).
      await withPersonalKeys(warehouse.client, personalKeysOf(options.personalData), (session) =>
        read({ columns: (values, rowKey) => session.protectedColumnsSql(source, values, rowKey), join: session.join }, session.sessionId),
      );
    }
  }

  const written = existsSync(workDir) ? readdirSync(workDir).filter((name) => landed.work.isIngestOutput(name)) : [];
  const rejectedFile = landed.work.rejectedRows();
  let counts = { valid: 0, rejected: 0, lastLine: 0 };
  let topReasons: IngestSummary['topReasons'] = [];
  const valuesNormalised: IngestSummary['valuesNormalised'] = [];
  if (written.length > 0) {
    const normalising = normalisingColumns(columns);
    const result = await warehouse.client.query({ query: ingestCountsSql(normalising.length), query_params: { glob: path.join(workDir, `*.${HANDOVER_FORMAT.extension}`) }, format: 'JSONEachRow' });
    const [row] = await result.json<{ valid: number | string; rejected: number | string; lastLine: number | string; normalised: (number | string)[] }>();
    counts = { valid: Number(row.valid), rejected: Number(row.rejected), lastLine: Number(row.lastLine) };
    row.normalised.forEach((count, bit) => {
      if (Number(count) > 0) valuesNormalised.push({ column: normalising[bit >> 1], kind: bit % 2 === 0 ? 'null_token' : 'line_break', count: Number(count) });
    });
  }
  if (existsSync(rejectedFile)) {
    // The last record of a file without a final line break may be cut short: its reason says so.
    const truncation = { rejected: rejectedFile, lastLine: scan.endsWithLineBreak ? -1 : counts.lastLine, width: scan.header.length };
    const out = storage.tableFunction(quarantineFile, 'out', 'TSVRaw', "'line String'");
    await command('ingest-quarantine', quarantineSql(out.sql), { ...truncation, file, ...out.params, header: header.slice(0, -1) });
    const result = await warehouse.client.query({ query: topReasonsSql(), query_params: truncation, format: 'JSONEachRow' });
    topReasons = (await result.json<{ column: string; reason: string; count: number | string }>()).map((r) => ({ ...r, count: Number(r.count) }));
    rmSync(rejectedFile, { force: true });
  } else {
    await storage.write(quarantineFile, header);
  }

  return {
    source,
    file,
    rowsRead: counts.valid + counts.rejected,
    rowsValid: counts.valid,
    rowsQuarantined: counts.rejected,
    header: scan.header,
    partitions,
    quarantineFile,
    topReasons,
    valuesNormalised,
  };
}

/** Partitions of an earlier attempt go first: a partition empty this time must not keep old rows. */
function clearPartitions({ work }: LandedFile): void {
  if (!existsSync(work.dir)) return;
  for (const name of readdirSync(work.dir)) {
    if (work.isIngestOutput(name)) rmSync(path.join(work.dir, name), { force: true });
  }
}
