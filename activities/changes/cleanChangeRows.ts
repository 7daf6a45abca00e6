/**
 * Clean a change file's valid rows the way the daily transform cleans an export, with the same SQL
 * (transform/transformSql.ts), so a change row is held to the same rules as the row it replaces: one
 * row per key (the latest updated_at wins, ties go to the later line), the source's null strategies,
 * its calculated columns and business rules (a quarantining rule sends the row to the batch's
 * quarantine listing; a flag is kept in rule_flags). Order-level fields and rules see the order's
 * lines in this batch.
 *
 * The batch's rows arrive as JavaScript objects from the change reader (readChangeRows.ts) and go on
 * as objects to the version lookup and classification, so they make a round trip through a scratch
 * table of the engine (a batch is corrections, held in memory: see README, limits).
 */
import { randomUUID } from 'node:crypto';
import type { Warehouse } from '../../clickhouse/client';
import { CONTRACTS, stagedColumns, type TypedRow } from '../contracts';
import { VERSION_COLUMN, VERSION_COLUMNS, type ChangeSource } from '../contracts/changes';
import { clickhouseTypeOf } from '../load/rawTables';
import type { SourceSettings } from '../pipelineConfig';
import { scratchTable } from '../transform/scratchTables';
import { transformSql, validColumns } from '../transform/transformSql';

export interface CleanedChanges {
  rows: TypedRow[];
  duplicates: number;
  dropped: number;
  /** Rows a quarantining business rule removed, with the reason for the listing. */
  broken: { row: TypedRow; reason: string }[];
}

/** Rows travel as JSON both ways: timestamps as epoch milliseconds, 64-bit integers as numbers (a server quotes them by default). */
const JSON_SETTINGS = { output_format_json_quote_64bit_integers: 0 } as const;

export async function cleanChangeRows(warehouse: Warehouse, source: ChangeSource, rows: readonly TypedRow[], settings: SourceSettings): Promise<CleanedChanges> {
  const cleaned: CleanedChanges = { rows: [], duplicates: 0, dropped: 0, broken: [] };
  if (rows.length === 0) return cleaned;
  const input = [...validColumns(source), ...VERSION_COLUMNS];
  const table = scratchTable('_changes_', `${process.pid}_${randomUUID().slice(0, 8)}`);
  const msType = (nullable: boolean) => (nullable ? 'Nullable(Int64)' : 'Int64');
  const client = warehouse.client;
  await client.command({
    query: `CREATE TABLE ${table} (${input.map((c) => `${c.name} ${c.storage === 'timestamp' ? msType(c.nullable) : clickhouseTypeOf(c)}`).join(', ')}) ENGINE = Memory`,
  });
  try {
    const names = new Set(input.map((c) => c.name));
    await client.insert({
      table,
      format: 'JSONEachRow',
      values: rows.map((row) => {
        const values: TypedRow = { business_date: '' }; // set later, from the loaded version (classifyChanges.ts)
        for (const [name, value] of Object.entries(row)) if (names.has(name)) values[name] = value;
        return values;
      }),
    });
    const typed = `(SELECT * REPLACE (${input.filter((c) => c.storage === 'timestamp').map((c) => `fromUnixTimestamp64Milli(${c.name}, 'UTC') AS ${c.name}`).join(', ')}) FROM ${table})`;
    const generated = transformSql(source, settings, typed, { key: CONTRACTS[source].key, latestBy: VERSION_COLUMN, extraColumns: VERSION_COLUMNS });
    const output = [...stagedColumns(source), ...VERSION_COLUMNS].filter((c) => c.name !== 'business_date');
    const columns = output.map((c) => (c.storage === 'timestamp' ? `toUnixTimestamp64Milli(${c.name}) AS ${c.name}` : c.name));
    const result = await client.query({
      query: `SELECT ${columns.join(', ')}, _dropped, _quarantine FROM (${generated.select}) ORDER BY source_line`,
      query_params: generated.params,
      format: 'JSONEachRow',
      clickhouse_settings: JSON_SETTINGS,
    });
    const survivors = await result.json<TypedRow & { _dropped: number; _quarantine: string }>();
    cleaned.duplicates = rows.length - survivors.length;
    for (const { _dropped, _quarantine, ...row } of survivors) {
      if (Number(_dropped)) cleaned.dropped += 1;
      else if (_quarantine !== '') cleaned.broken.push({ row, reason: _quarantine });
      else cleaned.rows.push(row);
    }
    return cleaned;
  } finally {
    await client.command({ query: `DROP TABLE IF EXISTS ${table}` });
  }
}
