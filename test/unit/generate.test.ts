/**
 * Tests for the deterministic sample-data generator (ops/generate).
 * Expectations are checked against the files on disk, parsed with an
 * independent strict RFC 4180 reader, not against generator internals.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateDailyExport, type GeneratedExport } from '../../ops/generate/sampleData';

type Source = 'customers' | 'products' | 'orders' | 'payments';
const SOURCES: readonly Source[] = ['customers', 'products', 'orders', 'payments'];

const HEADERS: Record<Source, string> = {
  customers:
    'customer_id,customer_unique_id,customer_name,customer_email,customer_phone,customer_street,' +
    'customer_zip_code_prefix,customer_city,customer_state,updated_at',
  products:
    'product_id,product_category_name,product_weight_g,product_length_cm,product_height_cm,product_width_cm,updated_at',
  orders:
    'order_id,order_item_id,customer_id,product_id,seller_id,order_status,order_purchase_timestamp,' +
    'order_approved_at,order_delivered_customer_date,order_estimated_delivery_date,price,freight_value',
  payments: 'order_id,payment_sequential,payment_type,payment_installments,payment_value',
};

const HEX32 = /^[0-9a-f]{32}$/;
const MONEY = /^-?\d+\.\d{2}$/;

interface ParsedCsv {
  header: string[];
  rows: Array<Record<string, string>>;
  /** Each row's fields joined back, to spot exact duplicates. */
  keys: string[];
  quotedFields: number;
}

/**
 * Strict RFC 4180 reader (LF records): a field is either unquoted (no quote,
 * CR or LF) or fully quoted with "" escapes; every record has the header's
 * width; the file ends with a newline. Throws on any violation, and on quotes
 * that were not needed (the writer must quote only when required).
 */
function parseCsv(bytes: Buffer): ParsedCsv {
  assert.ok(!(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf), 'file must not start with a BOM');
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  assert.ok(text.endsWith('\n'), 'file must end with LF');
  assert.ok(!text.includes('\r'), 'file must use LF line endings only');

  const records: string[][] = [];
  let quotedFields = 0;
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      if (!/[",\n]/.test(field)) throw new Error(`needlessly quoted field ${JSON.stringify(field)}`);
      quotedFields++;
      if (text[i] !== ',' && text[i] !== '\n') throw new Error(`garbage after closing quote at ${i}`);
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`quote inside unquoted field at ${i}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
    } else {
      i++; // newline ends the record
      records.push(record);
      record = [];
    }
  }

  const [header, ...data] = records;
  data.forEach((fields, n) => assert.equal(fields.length, header.length, `record ${n + 1} has the wrong width`));
  return {
    header,
    rows: data.map((fields) => Object.fromEntries(header.map((name, c) => [name, fields[c]]))),
    keys: data.map((fields) => JSON.stringify(fields)),
    quotedFields,
  };
}

function readAll(result: GeneratedExport): Record<Source, ParsedCsv> {
  const parsed = {} as Record<Source, ParsedCsv>;
  for (const source of SOURCES) parsed[source] = parseCsv(readFileSync(result.files[source]));
  return parsed;
}

/** Strict 'YYYY-MM-DD HH:MM:SS' that is also a real instant. */
function isValidTimestamp(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (!m) return false;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) && new Date(ms).toISOString() === iso.replace('Z', '.000Z');
}

function cents(money: string): number {
  assert.match(money, MONEY);
  const negative = money.startsWith('-');
  const [units, fraction] = money.replace('-', '').split('.');
  const value = Number(units) * 100 + Number(fraction);
  return negative ? -value : value;
}

/** Counts how many earlier rows each row is an exact copy of. */
function duplicateFlags(keys: string[]): boolean[] {
  const seen = new Set<string>();
  return keys.map((key) => {
    const dup = seen.has(key);
    seen.add(key);
    return dup;
  });
}

describe('sample data generator', function () {
  this.timeout(60_000);
  let workDir: string;
  let counter = 0;
  const nextDir = () => path.join(workDir, `run-${++counter}`);

  before(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'cartwheel-generate-'));
  });
  after(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  describe('determinism', () => {
    it('writes byte-identical files for the same arguments', async () => {
      const options = { businessDate: '2018-03-14', orders: 1500, seed: 7, defectRate: 0.03 };
      const a = await generateDailyExport({ ...options, outDir: nextDir() });
      const b = await generateDailyExport({ ...options, outDir: nextDir() });
      for (const source of SOURCES) {
        assert.ok(readFileSync(a.files[source]).equals(readFileSync(b.files[source])), `${source}.csv differs`);
      }
      assert.deepEqual(a.rows, b.rows);
      assert.deepEqual(a.defects, b.defects);
    });

    it('writes different data for a different seed', async () => {
      const options = { businessDate: '2018-03-14', orders: 500 };
      const a = await generateDailyExport({ ...options, seed: 1, outDir: nextDir() });
      const b = await generateDailyExport({ ...options, seed: 2, outDir: nextDir() });
      for (const source of SOURCES) {
        assert.ok(!readFileSync(a.files[source]).equals(readFileSync(b.files[source])), `${source}.csv is the same`);
      }
    });

    it('shares customer and product pools across dates of the same seed', async () => {
      const options = { orders: 2000, seed: 11, defectRate: 0 };
      const day1 = readAll(await generateDailyExport({ ...options, businessDate: '2018-05-01', outDir: nextDir() }));
      const day2 = readAll(await generateDailyExport({ ...options, businessDate: '2018-05-02', outDir: nextDir() }));

      const products1 = new Set(day1.products.rows.map((r) => r.product_id));
      assert.deepEqual(new Set(day2.products.rows.map((r) => r.product_id)), products1);

      const customers1 = new Map(day1.customers.rows.map((r) => [r.customer_id, r]));
      const shared = day2.customers.rows.filter((r) => customers1.has(r.customer_id));
      assert.ok(shared.length > 100, `expected returning customers, got ${shared.length}`);
      for (const row of shared) {
        const before = customers1.get(row.customer_id)!;
        assert.equal(row.customer_city, before.customer_city);
        assert.equal(row.customer_zip_code_prefix, before.customer_zip_code_prefix);
      }
      const orders1 = new Set(day1.orders.rows.map((r) => r.order_id));
      assert.ok(day2.orders.rows.every((r) => !orders1.has(r.order_id)), 'order ids must differ per day');
    });

    it('keeps the clean data unchanged when only the defect rate changes', async () => {
      const options = { businessDate: '2018-03-14', orders: 800, seed: 5 };
      const clean = readAll(await generateDailyExport({ ...options, defectRate: 0, outDir: nextDir() }));
      const dirty = readAll(await generateDailyExport({ ...options, defectRate: 0.1, outDir: nextDir() }));
      const ids = (csv: ParsedCsv) => [...new Set(csv.rows.map((r) => r.order_id))];
      assert.deepEqual(ids(dirty.orders), ids(clean.orders));
    });
  });

  describe('format', () => {
    let result: GeneratedExport;
    let parsed: Record<Source, ParsedCsv>;
    before(async () => {
      result = await generateDailyExport({
        businessDate: '2018-03-14',
        orders: 3000,
        seed: 42,
        defectRate: 0.05,
        outDir: nextDir(),
      });
      parsed = readAll(result);
    });

    it('writes the exact header lines', () => {
      for (const source of SOURCES) {
        const firstLine = readFileSync(result.files[source], 'utf8').split('\n')[0];
        assert.equal(firstLine, HEADERS[source]);
      }
    });

    it('writes absolute paths named after the source', () => {
      for (const source of SOURCES) {
        assert.ok(path.isAbsolute(result.files[source]));
        assert.equal(path.basename(result.files[source]), `${source}.csv`);
      }
    });

    it('parses every file as strict RFC 4180, exercising quoting and UTF-8', () => {
      // parseCsv ran in before(); the defect set includes a timestamp with a comma.
      const quoted = SOURCES.reduce((sum, source) => sum + parsed[source].quotedFields, 0);
      assert.ok(quoted > 0, 'expected at least one quoted field');
      assert.ok(parsed.customers.rows.some((r) => /[^\x00-\x7f]/.test(r.customer_city)), 'expected accented cities');
    });

    it('reports the number of data rows written', () => {
      for (const source of SOURCES) assert.equal(result.rows[source], parsed[source].rows.length, source);
    });

    it('writes `orders` distinct orders with item ids 1..k', () => {
      const items = new Map<string, Set<number>>();
      for (const row of parsed.orders.rows) {
        const set = items.get(row.order_id) ?? new Set<number>();
        set.add(Number(row.order_item_id));
        items.set(row.order_id, set);
      }
      assert.equal(items.size, 3000);
      assert.ok(parsed.orders.rows.length > 3000);
      for (const [orderId, set] of items) {
        assert.ok(HEX32.test(orderId));
        const k = set.size;
        assert.ok(k >= 1 && k <= 4);
        for (let n = 1; n <= k; n++) assert.ok(set.has(n), `order ${orderId} misses item ${n}`);
      }
    });

    it('returns defect counts that match the files exactly', () => {
      const { customers, products, orders, payments } = parsed;
      const customerIds = new Set(customers.rows.map((r) => r.customer_id));
      const productIds = new Set(products.rows.map((r) => r.product_id));
      const orderIds = new Set(orders.rows.map((r) => r.order_id));

      const count = (flags: boolean[]) => flags.filter(Boolean).length;
      // One array of per-row flags per defect kind; a row may raise at most one.
      const check = (source: Source, csv: ParsedCsv, kinds: Record<string, boolean[]>) => {
        for (const [kind, flags] of Object.entries(kinds)) {
          assert.equal(count(flags), result.defects[source][kind as keyof GeneratedExport['defects'][Source]], `${source}.${kind}`);
          assert.ok(count(flags) > 0, `${source}.${kind} should occur at a 5% rate`);
        }
        csv.rows.forEach((_, n) => {
          const raised = Object.values(kinds).filter((flags) => flags[n]).length;
          assert.ok(raised <= 1, `${source} row ${n + 1} carries ${raised} defects`);
        });
        const total = Object.values(result.defects[source]).reduce((a, b) => a + b, 0);
        const listed = Object.keys(kinds).reduce((sum, kind) => sum + count(kinds[kind]), 0);
        assert.equal(total, listed, `${source} reports defect kinds the test does not know about`);
      };

      check('customers', customers, {
        duplicate: duplicateFlags(customers.keys),
        missingOptional: customers.rows.map((r) => r.customer_city === ''),
      });
      check('products', products, {
        duplicate: duplicateFlags(products.keys),
        missingOptional: products.rows.map((r) => r.product_category_name === ''),
      });
      check('orders', orders, {
        duplicate: duplicateFlags(orders.keys),
        missingRequired: orders.rows.map((r) => r.customer_id === ''),
        unparseableDate: orders.rows.map((r) => !isValidTimestamp(r.order_purchase_timestamp)),
        orphanForeignKey: orders.rows.map(
          (r) => (r.customer_id !== '' && !customerIds.has(r.customer_id)) || !productIds.has(r.product_id),
        ),
        negativeAmount: orders.rows.map((r) => cents(r.price) < 0),
      });
      // Rows with an empty order_id can coincide by chance; only keyed rows count as copies.
      const paymentDuplicates = duplicateFlags(payments.keys).map((dup, n) => dup && payments.rows[n].order_id !== '');
      check('payments', payments, {
        duplicate: paymentDuplicates,
        missingRequired: payments.rows.map((r) => r.order_id === ''),
        orphanForeignKey: payments.rows.map((r) => r.order_id !== '' && !orderIds.has(r.order_id)),
        negativeAmount: payments.rows.map((r) => cents(r.payment_value) < 0),
      });
    });
  });

  describe('defect-free export', () => {
    const businessDate = '2017-11-24';
    let result: GeneratedExport;
    let parsed: Record<Source, ParsedCsv>;
    before(async () => {
      result = await generateDailyExport({ businessDate, orders: 2500, seed: 99, defectRate: 0, outDir: nextDir() });
      parsed = readAll(result);
    });

    it('reports no defects and has no duplicate rows', () => {
      for (const source of SOURCES) {
        assert.ok(Object.values(result.defects[source]).every((n) => n === 0), source);
        assert.equal(new Set(parsed[source].keys).size, parsed[source].keys.length, `${source} has duplicates`);
      }
    });

    it('resolves every foreign key, and customers.csv holds exactly the referenced customers', () => {
      const { customers, products, orders, payments } = parsed;
      const productIds = new Set(products.rows.map((r) => r.product_id));
      const referenced = new Set(orders.rows.map((r) => r.customer_id));
      assert.deepEqual(new Set(customers.rows.map((r) => r.customer_id)), referenced);
      assert.ok(orders.rows.every((r) => productIds.has(r.product_id)));
      assert.deepEqual(new Set(payments.rows.map((r) => r.order_id)), new Set(orders.rows.map((r) => r.order_id)));
    });

    it('pays each order exactly its price + freight, in cents', () => {
      const due = new Map<string, number>();
      for (const r of parsed.orders.rows) {
        due.set(r.order_id, (due.get(r.order_id) ?? 0) + cents(r.price) + cents(r.freight_value));
      }
      const paid = new Map<string, number>();
      const sequences = new Map<string, string[]>();
      for (const r of parsed.payments.rows) {
        paid.set(r.order_id, (paid.get(r.order_id) ?? 0) + cents(r.payment_value));
        sequences.set(r.order_id, [...(sequences.get(r.order_id) ?? []), r.payment_sequential]);
        assert.ok(['credit_card', 'boleto', 'voucher', 'debit_card'].includes(r.payment_type));
        const installments = Number(r.payment_installments);
        if (r.payment_type === 'credit_card') assert.ok(installments >= 1 && installments <= 12);
        else assert.equal(installments, 1);
      }
      assert.deepEqual(paid, due);
      for (const seq of sequences.values()) assert.ok(seq.join() === '1' || seq.join() === '1,2');
    });

    it('writes plausible order lines', () => {
      const statuses = new Set(['delivered', 'shipped', 'invoiced', 'processing', 'approved', 'canceled', 'unavailable', 'created']);
      for (const r of parsed.orders.rows) {
        for (const id of [r.order_id, r.customer_id, r.product_id, r.seller_id]) assert.match(id, HEX32);
        assert.ok(statuses.has(r.order_status), r.order_status);
        assert.ok(isValidTimestamp(r.order_purchase_timestamp));
        assert.ok(r.order_purchase_timestamp.startsWith(`${businessDate} `));
        const purchase = Date.parse(`${r.order_purchase_timestamp.replace(' ', 'T')}Z`);
        const at = (value: string) => Date.parse(`${value.replace(' ', 'T')}Z`);

        if (r.order_approved_at !== '') {
          assert.ok(isValidTimestamp(r.order_approved_at));
          assert.ok(at(r.order_approved_at) > purchase);
        } else {
          assert.ok(r.order_status === 'created' || r.order_status === 'canceled', r.order_status);
        }
        if (r.order_status === 'delivered') {
          const days = (at(r.order_delivered_customer_date) - purchase) / 86_400_000;
          assert.ok(days >= 2 && days <= 30, `delivered after ${days} days`);
        } else {
          assert.equal(r.order_delivered_customer_date, '');
        }
        assert.ok(isValidTimestamp(r.order_estimated_delivery_date));
        assert.ok(at(r.order_estimated_delivery_date) > purchase);
        assert.ok(cents(r.price) > 0 && cents(r.freight_value) > 0);
      }
    });

    it('writes plausible customers and products', () => {
      for (const r of parsed.customers.rows) {
        assert.match(r.customer_id, HEX32);
        assert.match(r.customer_unique_id, HEX32);
        assert.match(r.customer_zip_code_prefix, /^\d{5}$/);
        assert.match(r.customer_city, /^[a-zà-ú' ]+$/);
        assert.match(r.customer_state, /^[A-Z]{2}$/);
        assert.ok(isValidTimestamp(r.updated_at));
        assert.ok(r.updated_at <= `${businessDate} 23:59:59`);
      }
      const sp = parsed.customers.rows.filter((r) => r.customer_city === 'são paulo');
      assert.ok(sp.length > 0 && sp.every((r) => r.customer_state === 'SP'));
      assert.ok(parsed.customers.rows.some((r) => r.customer_zip_code_prefix.startsWith('0')), 'leading zeros kept');

      assert.equal(parsed.products.rows.length, 125); // max(50, 2500 / 20)
      for (const r of parsed.products.rows) {
        assert.match(r.product_id, HEX32);
        assert.match(r.product_category_name, /^[a-z_]+$/);
        for (const column of ['product_weight_g', 'product_length_cm', 'product_height_cm', 'product_width_cm']) {
          assert.match(r[column], /^[1-9]\d*$/, column);
        }
        assert.ok(isValidTimestamp(r.updated_at));
      }
    });
  });

  describe('validation', () => {
    it('rejects bad options', async () => {
      const base = { businessDate: '2018-03-14', orders: 10, seed: 1, outDir: nextDir() };
      await assert.rejects(generateDailyExport({ ...base, businessDate: '2018-02-30' }), /businessDate/);
      await assert.rejects(generateDailyExport({ ...base, orders: 1.5 }), /orders/);
      await assert.rejects(generateDailyExport({ ...base, defectRate: 0.5 }), /defectRate/);
    });
  });

  describe('cli', () => {
    const cli = path.resolve(__dirname, '../../ops/generate/cli.ts');
    const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), cli, ...args], {
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });

    it('exits 2 and names the bad flag', () => {
      const bad = run(['--date', '2018-03-14', '--orders', 'many', '--seed', '1']);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /--orders/);

      const missing = run(['--orders', '10', '--seed', '1']);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /--date is required/);

      const unknown = run(['--date', '2018-03-14', '--orders', '10', '--seed', '1', '--bogus']);
      assert.equal(unknown.status, 2);
      assert.match(unknown.stderr, /--bogus/);
    });

    it('writes to $CARTWHEEL_DATA_DIR/landing/<date> by default', () => {
      const dataDir = nextDir();
      const ok = run(['--date', '2018-03-14', '--orders', '20', '--seed', '3'], { CARTWHEEL_DATA_DIR: dataDir });
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /orders\.csv/);
      for (const source of SOURCES) assert.ok(existsSync(path.join(dataDir, 'landing', '2018-03-14', `${source}.csv`)));
    });
  });
});
