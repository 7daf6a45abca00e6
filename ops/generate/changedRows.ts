/**
 * Sample change batches for days already generated: later versions of some of their order lines and
 * payments, as a source system would re-export them, in landing/changes/<batch id>/.
 *
 *  - orders.csv: every line of the picked orders, with what typically changes after the purchase:
 *    an open order is delivered (delivery date after the purchase), a delivered order's delivery
 *    date is corrected to a few days later, some orders are canceled (no delivery date). All lines
 *    of an order change together and share one updated_at.
 *  - payments.csv: instalment corrections of picked payments (the amount stays: payments still sum
 *    to the order's total).
 *
 * updated_at lies in the hour before the batch's export time (its id), so a later batch id usually
 * carries later versions. Rows are taken from the day's landed files (or its archive when the
 * landing folder was cleaned) and only from rows that pass the contract, so every changed row is a
 * row the warehouse loaded. Deterministic: same seed, days and batch id give the same bytes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { z } from 'zod';
import { batchIdProblem, batchTimeOf } from '../../pipeline/land/batchId';
import { CONTRACTS } from '../../domain/contracts';
import { changeFileColumns, type ChangeSource } from '../../domain/contracts/changes';
import { csvField } from './sampleData';
import { Rng } from './random';

export interface ChangeBatchOptions {
  batchId: string;
  /** Business dates whose exports the changed rows come from. */
  fromDates: readonly string[];
  /** The data folder: rows are read from landing/<date>/ (or archive/<date>/). */
  dataDir: string;
  /** Default: <dataDir>/landing/changes/<batch id>. */
  outDir?: string;
  /** Orders changed per day (every line of each). */
  orders: number;
  /** Payments corrected per day. */
  payments: number;
  seed: number;
}

export interface GeneratedChangeBatch {
  batchId: string;
  outDir: string;
  files: Partial<Record<ChangeSource, string>>;
  rows: Record<ChangeSource, number>;
}

type CsvRow = Record<string, string>;

const DAY_S = 86_400;

export function generateChangeBatch(options: ChangeBatchOptions): GeneratedChangeBatch {
  const problem = batchIdProblem(options.batchId);
  if (problem) throw new RangeError(problem);
  const outDir = path.resolve(options.outDir ?? path.join(options.dataDir, 'landing', 'changes', options.batchId));
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    throw new RangeError(`${outDir} already holds files: a landed batch is never rewritten; pick a later batch id`);
  }
  const batchTime = batchTimeOf(options.batchId) / 1000;
  const changed: Record<ChangeSource, CsvRow[]> = { orders: [], payments: [] };
  for (const date of [...options.fromDates].sort()) {
    const rng = new Rng(`${options.seed}|changes|${options.batchId}|${date}`);
    // concat, not push(...rows): spreading 100k+ rows as arguments overflows the call stack.
    changed.orders = changed.orders.concat(changeOrders(validRows(options.dataDir, date, 'orders'), options.orders, rng, batchTime));
    changed.payments = changed.payments.concat(correctPayments(validRows(options.dataDir, date, 'payments'), options.payments, rng, batchTime));
  }

  mkdirSync(outDir, { recursive: true });
  const files: GeneratedChangeBatch['files'] = {};
  for (const source of ['orders', 'payments'] as const) {
    if (changed[source].length === 0) continue;
    const columns = changeFileColumns(source).map((c) => c.name);
    const text = [columns.join(','), ...changed[source].map((row) => columns.map((c) => csvField(row[c] ?? '')).join(','))].join('\n');
    const file = path.join(outDir, CONTRACTS[source].fileName);
    // Written under another name and renamed: a watcher never picks up half a file.
    writeFileSync(`${file}.partial`, `${text}\n`);
    renameSync(`${file}.partial`, file);
    files[source] = file;
  }
  return { batchId: options.batchId, outDir, files, rows: { orders: changed.orders.length, payments: changed.payments.length } };
}

/** The day's rows of a source that pass its contract, one per key (the first), in file order. */
function validRows(dataDir: string, date: string, source: ChangeSource): CsvRow[] {
  const file = [path.join(dataDir, 'landing', date), path.join(dataDir, 'archive', date)]
    .map((dir) => path.join(dir, CONTRACTS[source].fileName))
    .find((candidate) => existsSync(candidate));
  if (!file) throw new RangeError(`no ${CONTRACTS[source].fileName} for ${date} in ${dataDir}/landing or ${dataDir}/archive: generate or land that day first`);
  const validate = z.compile(CONTRACTS[source].schema);
  const seen = new Set<string>();
  const rows: CsvRow[] = [];
  for (const row of Papa.parse<CsvRow>(readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true }).data) {
    const key = CONTRACTS[source].key.map((column) => row[column]).join('|');
    if (seen.has(key) || !validate.safeParse(row).success) continue;
    seen.add(key);
    rows.push(row);
  }
  return rows;
}

/** Pick `count` orders and re-export all their lines with a later status or delivery date. */
function changeOrders(lines: readonly CsvRow[], count: number, rng: Rng, batchTime: number): CsvRow[] {
  const byOrder = new Map<string, CsvRow[]>();
  for (const line of lines) {
    const orderLines = byOrder.get(line.order_id);
    if (orderLines) orderLines.push(line);
    else byOrder.set(line.order_id, [line]);
  }
  const picked = pick([...byOrder.keys()], count, rng);
  const out: CsvRow[] = [];
  for (const orderId of picked) {
    const orderLines = byOrder.get(orderId)!;
    const purchased = Date.parse(`${orderLines[0].order_purchase_timestamp.replace(' ', 'T')}Z`) / 1000;
    const updatedAt = formatTime(batchTime - rng.int(0, 3600));
    let status = 'delivered';
    let delivered: string;
    if (rng.chance(0.1)) {
      status = 'canceled';
      delivered = '';
    } else if (orderLines[0].order_status === 'delivered' && orderLines[0].order_delivered_customer_date) {
      const previous = Date.parse(`${orderLines[0].order_delivered_customer_date.replace(' ', 'T')}Z`) / 1000;
      delivered = formatTime(previous + rng.int(1, 10) * DAY_S);
    } else {
      delivered = formatTime(purchased + rng.int(3, 20) * DAY_S + rng.int(0, DAY_S - 1));
    }
    for (const line of orderLines) out.push({ ...line, order_status: status, order_delivered_customer_date: delivered, updated_at: updatedAt });
  }
  return out;
}

/** Pick `count` payments and correct their instalments (credit cards only; other types pay at once). */
function correctPayments(payments: readonly CsvRow[], count: number, rng: Rng, batchTime: number): CsvRow[] {
  const cards = payments.filter((p) => p.payment_type === 'credit_card');
  return pick(cards, count, rng).map((payment) => {
    let installments = rng.int(1, 10);
    if (String(installments) === payment.payment_installments) installments = installments === 10 ? 1 : installments + 1;
    return { ...payment, payment_installments: String(installments), updated_at: formatTime(batchTime - rng.int(0, 3600)) };
  });
}

/** `count` distinct items (all when there are fewer), in their original order. */
function pick<T>(items: readonly T[], count: number, rng: Rng): T[] {
  const indexes = items.map((_, i) => i);
  for (let i = 0; i < Math.min(count, items.length); i += 1) {
    const j = rng.int(i, indexes.length - 1);
    [indexes[i], indexes[j]] = [indexes[j], indexes[i]];
  }
  return indexes.slice(0, Math.min(count, items.length)).sort((a, b) => a - b).map((i) => items[i]);
}

/** 'YYYY-MM-DD HH:MM:SS' (UTC), the exports' format. */
function formatTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
