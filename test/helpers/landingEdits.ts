/** Edits to a generated day's landing files, to make a customer's attributes change between days. */
import Papa from 'papaparse';
import { readFileSync, writeFileSync } from 'node:fs';

type CustomerRecord = Record<string, string>;

function readCustomers(file: string): CustomerRecord[] {
  return Papa.parse<CustomerRecord>(readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true }).data;
}

/** customer_id -> the row as landed (the last one when the export repeats a customer). */
export function landedCustomers(file: string): Map<string, CustomerRecord> {
  return new Map(readCustomers(file).map((row) => [row.customer_id, row]));
}

/** Rewrite every row of one customer with new attribute values (e.g. a move to another state). */
export function editCustomer(file: string, customerId: string, changes: Partial<CustomerRecord>): void {
  const records = readCustomers(file);
  if (!records.some((row) => row.customer_id === customerId)) throw new Error(`customer ${customerId} is not in ${file}`);
  const edited = records.map((row) => (row.customer_id === customerId ? { ...row, ...changes } : row));
  writeFileSync(file, `${Papa.unparse(edited, { newline: '\n' })}\n`);
}

/** Land one customer row on a day: replace the customer's rows, or append one. */
export function upsertCustomer(file: string, row: CustomerRecord): void {
  const records = readCustomers(file).filter((existing) => existing.customer_id !== row.customer_id);
  writeFileSync(file, `${Papa.unparse([...records, row], { newline: '\n' })}\n`);
}
