/**
 * Looks for personal data in plaintext: in files (text as is; Parquet decoded, since its pages are
 * compressed and a byte search would find nothing whatever they hold) and in every warehouse table.
 * Each finding names where the value was seen, never the value itself in full.
 */
import Papa from 'papaparse';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { normaliseEmail, normalisePhone } from '../../domain/contracts/personalValues';
import { readParquetRows } from '../../pipeline/files/cleanRows';
import type { Warehouse } from '../../clickhouse/client';

export const PERSONAL_CSV_COLUMNS = ['customer_name', 'customer_email', 'customer_phone', 'customer_street'] as const;

/** Every personal value of a customers.csv as delivered, and (unless told otherwise) in its standard form too. */
export function personalValuesOf(customersCsv: string, standardForms = true): Set<string> {
  const rows = Papa.parse<Record<string, string>>(readFileSync(customersCsv, 'utf8'), { header: true, skipEmptyLines: true }).data;
  const values = new Set<string>();
  for (const row of rows) {
    for (const column of PERSONAL_CSV_COLUMNS) {
      const value = row[column] ?? '';
      if (value === '') continue;
      values.add(value);
      if (!standardForms) continue;
      if (column === 'customer_email') values.add(normaliseEmail(value) ?? value);
      if (column === 'customer_phone') values.add(normalisePhone(value) ?? value);
    }
  }
  return values;
}

/** Files under root, except the top-level folders named in `skip`. */
export function filesUnder(root: string, skip: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const name of readdirSync(dir)) {
      if (depth === 0 && skip.includes(name)) continue;
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full, depth + 1);
      else out.push(full);
    }
  };
  walk(root, 0);
  return out.sort();
}

const HTML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };

/** The readable content of a file: Parquet decoded row by row, HTML unescaped, anything else as UTF-8 text. */
export async function readableContent(file: string): Promise<string> {
  if (file.endsWith('.html')) return readFileSync(file, 'utf8').replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (entity) => HTML_ENTITIES[entity]);
  if (!file.endsWith('.parquet')) return readFileSync(file, 'utf8');
  const parts: string[] = [];
  for await (const row of readParquetRows(file)) parts.push(Object.values(row).map((v) => String(v)).join('\t'));
  return parts.join('\n');
}

export interface Finding {
  where: string;
  /** The first characters of the value only. */
  value: string;
}

export function findValues(where: string, text: string, values: ReadonlySet<string>): Finding[] {
  const found: Finding[] = [];
  for (const value of values) if (text.includes(value)) found.push({ where, value: `${value.slice(0, 3)}...` });
  return found;
}

export async function scanFiles(files: readonly string[], values: ReadonlySet<string>): Promise<Finding[]> {
  const found: Finding[] = [];
  for (const file of files) found.push(...findValues(file, await readableContent(file), values));
  return found;
}

/** Every table (not views) of the warehouse's database, dumped as text and searched. */
export async function scanWarehouse(warehouse: Warehouse, values: ReadonlySet<string>): Promise<{ tables: string[]; found: Finding[] }> {
  const listed = await warehouse.client.query({
    query: "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine NOT LIKE '%View%' ORDER BY name",
    format: 'JSONEachRow',
  });
  const tables = (await listed.json<{ name: string }>()).map((t) => t.name);
  const found: Finding[] = [];
  for (const table of tables) {
    // CSV: values appear as they are (TabSeparated would escape an apostrophe in a name).
    const dump = await warehouse.client.query({ query: `SELECT * FROM ${table}`, format: 'CSV' });
    found.push(...findValues(`table ${table}`, await dump.text(), values));
  }
  return { tables, found };
}
