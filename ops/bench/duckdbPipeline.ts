/**
 * The DuckDB contender of `npm run bench`: the same kind of work as cartwheel's ingest + transform +
 * stage, written as DuckDB SQL, on the same landing files. Run as a child process (ops/bench/
 * contenders.ts) so its CPU time and peak RSS are its own:
 *
 *   node --import tsx ops/bench/duckdbPipeline.ts <landingDir> <outDir> [businessDate]
 *
 * prints one JSON line (DuckdbResult). Per source, in one in-memory DuckDB with its default threads:
 *
 *   1. typed read: every column as VARCHAR; structurally broken records (wrong field count, invalid
 *      UTF-8, ...) go to DuckDB's reject table and from there to the rejects file;
 *   2. per-column validation mirroring domain/contracts/*.ts (hex ids, enums, integers in range,
 *      money with at most two decimals into exact integer cents, timestamps 'YYYY-MM-DD HH:MM:SS' or
 *      ISO 8601 into epoch milliseconds UTC, zip five digits, required values), with zod's messages:
 *      a row's reason is its first failing column's message and how many more columns failed;
 *   3. rejects written to <outDir>/rejects/<source>.csv with line, column, value, reason and the
 *      delivered columns (personal ones masked);
 *   4. dedup by the contract key (customers, products: latest updated_at, a tie goes to the later
 *      line; orders, payments: the later line);
 *   5. the derived columns of domain/contracts/derived.ts, computed as cartwheel computes them;
 *   6. snappy Parquet under <outDir>/<source>/year=YYYY/month=MM/ (orders by purchase month, the
 *      other sources by the business date's month, like cartwheel's staging layout).
 *
 * Not done, so the comparison leans slightly in DuckDB's favour: personal columns of customers (name,
 * e-mail, phone, street) are optional text, neither validated as e-mail / phone nor encrypted,
 * tokenised or masked in the output, because DuckDB has no AES-GCM; no null strategies, business rules
 * (rule_flags) or foreign-key checks. DuckDB's reader is more lenient than cartwheel's on some
 * structural problems (seen: an unterminated quote read as text). The line of a record is exact
 * unless a quoted field spans lines.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BRAZILIAN_STATES, HEX_ID } from '../../domain/contracts/customers';
import { ORDER_STATUSES } from '../../domain/contracts/orders';
import { PAYMENT_TYPES } from '../../domain/contracts/payments';
import { DEFAULT_DATE_FORMATS, describeFormats } from '../../domain/contracts/timestamps';

export interface DuckdbSourceResult {
  /** Source records read (well-formed and structurally rejected). */
  rows: number;
  rejected: number;
  duplicates: number;
  staged: number;
}

export interface DuckdbResult {
  /** Source rows read, all four files. */
  rows: number;
  rejected: number;
  /** Wall time of the work, engine start included, process start (Node, tsx) excluded. */
  seconds: number;
  /** process.cpuUsage() of this child over the same work, user + system, all threads. */
  cpuSeconds: number;
  /** The same over the whole process lifetime (Node and tsx start included). */
  processCpuSeconds: number;
  /** process.resourceUsage().maxRSS / 1024. */
  peakRssMb: number;
  bySource: Record<Source, DuckdbSourceResult>;
}

const SOURCES = ['orders', 'payments', 'products', 'customers'] as const;
type Source = (typeof SOURCES)[number];

type Kind =
  | { kind: 'text'; pattern: string; describe: string }
  | { kind: 'oneOf'; values: readonly string[] }
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'money' }
  | { kind: 'timestamp'; optional: boolean }
  | { kind: 'optionalText'; personal?: boolean; optionalInHeader?: boolean };

interface Column {
  name: string;
  type: Kind;
}

const hex: Kind = { kind: 'text', pattern: HEX_ID.pattern.source.replace(/^\^|\$$/g, ''), describe: HEX_ID.describe };
const required = (optional = false): Kind => ({ kind: 'timestamp', optional });

/** The contracts' columns in header order (domain/contracts/*.ts), as DuckDB checks them. */
const COLUMNS: Record<Source, Column[]> = {
  customers: [
    { name: 'customer_id', type: hex },
    { name: 'customer_unique_id', type: hex },
    // DuckDB has no AES-GCM: personal columns are plain optional text here (cartwheel validates and
    // encrypts / tokenises / masks them), which leans the comparison slightly in DuckDB's favour.
    { name: 'customer_name', type: { kind: 'optionalText', personal: true, optionalInHeader: true } },
    { name: 'customer_email', type: { kind: 'optionalText', personal: true, optionalInHeader: true } },
    { name: 'customer_phone', type: { kind: 'optionalText', personal: true, optionalInHeader: true } },
    { name: 'customer_street', type: { kind: 'optionalText', personal: true, optionalInHeader: true } },
    { name: 'customer_zip_code_prefix', type: { kind: 'text', pattern: '\\d{5}', describe: 'five digits' } },
    { name: 'customer_city', type: { kind: 'optionalText' } },
    { name: 'customer_state', type: { kind: 'oneOf', values: BRAZILIAN_STATES } },
    { name: 'updated_at', type: required() },
  ],
  products: [
    { name: 'product_id', type: hex },
    { name: 'product_category_name', type: { kind: 'optionalText' } },
    { name: 'product_weight_g', type: { kind: 'integer', min: 0, max: 1_000_000 } },
    { name: 'product_length_cm', type: { kind: 'integer', min: 0, max: 10_000 } },
    { name: 'product_height_cm', type: { kind: 'integer', min: 0, max: 10_000 } },
    { name: 'product_width_cm', type: { kind: 'integer', min: 0, max: 10_000 } },
    { name: 'updated_at', type: required() },
  ],
  orders: [
    { name: 'order_id', type: hex },
    { name: 'order_item_id', type: { kind: 'integer', min: 1, max: 10_000 } },
    { name: 'customer_id', type: hex },
    { name: 'product_id', type: hex },
    { name: 'seller_id', type: hex },
    { name: 'order_status', type: { kind: 'oneOf', values: ORDER_STATUSES } },
    { name: 'order_purchase_timestamp', type: required() },
    { name: 'order_approved_at', type: required(true) },
    { name: 'order_delivered_customer_date', type: required(true) },
    { name: 'order_estimated_delivery_date', type: required(true) },
    { name: 'price', type: { kind: 'money' } },
    { name: 'freight_value', type: { kind: 'money' } },
  ],
  payments: [
    { name: 'order_id', type: hex },
    { name: 'payment_sequential', type: { kind: 'integer', min: 1, max: 1_000 } },
    { name: 'payment_type', type: { kind: 'oneOf', values: PAYMENT_TYPES } },
    { name: 'payment_installments', type: { kind: 'integer', min: 0, max: 48 } },
    { name: 'payment_value', type: { kind: 'money' } },
  ],
};

const KEY: Record<Source, { key: string[]; latestBy?: string }> = {
  customers: { key: ['customer_id'], latestBy: 'updated_at' },
  products: { key: ['product_id'], latestBy: 'updated_at' },
  orders: { key: ['order_id', 'order_item_id'] },
  payments: { key: ['order_id', 'payment_sequential'] },
};

const MISSING = 'required value is missing';

const str = (value: string): string => `'${value.replace(/'/g, "''")}'`;
const id = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Timestamps as the contract's default formats accept them (contracts/timestamps.ts), into epoch
 * milliseconds UTC; NULL when neither format accepts the text or the date does not exist. DuckDB's
 * own cast accepts 24:00:00, so the hour, minute and second ranges are checked here.
 */
const MACROS = [
  `CREATE OR REPLACE MACRO ts_ymd_hms(v) AS CASE
     WHEN regexp_full_match(v, '\\d{4}-\\d{2}-\\d{2} ([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?')
     THEN epoch_ms(TRY_CAST(substr(v, 1, 19) AS TIMESTAMP))
          + CASE WHEN length(v) > 20 THEN CAST(rpad(substr(v, 21, 3), 3, '0') AS BIGINT) ELSE 0 END
   END`,
  `CREATE OR REPLACE MACRO ts_iso_parts(p) AS CASE
     WHEN coalesce(nullif(p.h, ''), '00') < '24' AND coalesce(nullif(p.mi, ''), '00') < '60' AND coalesce(nullif(p.s, ''), '00') < '60'
     THEN epoch_ms(TRY_CAST(p.d || ' ' || coalesce(nullif(p.h, ''), '00') || ':' || coalesce(nullif(p.mi, ''), '00') || ':' || coalesce(nullif(p.s, ''), '00') AS TIMESTAMP))
          + CAST(rpad(substr(p.f, 1, 3), 3, '0') AS BIGINT)
          - CASE WHEN p.z IN ('', 'Z') THEN 0
                 ELSE (CASE WHEN substr(p.z, 1, 1) = '-' THEN -1 ELSE 1 END)
                      * (CAST(substr(p.z, 2, 2) AS BIGINT) * 60 + CAST(right(p.z, 2) AS BIGINT)) * 60000 END
   END`,
  `CREATE OR REPLACE MACRO ts_iso(v) AS CASE
     WHEN regexp_full_match(v, '\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})?)?')
     THEN ts_iso_parts(regexp_extract(v, '^(\\d{4}-\\d{2}-\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?(Z|[+-]\\d{2}:?\\d{2})?)?$', ['d', 'h', 'mi', 's', 'f', 'z']))
   END`,
  `CREATE OR REPLACE MACRO ts_ms(v) AS coalesce(ts_ymd_hms(v), ts_iso(v))`,
];

/**
 * The typed value (NULL where missing) and the reason (NULL where valid) of one raw VARCHAR column;
 * `parsed` names the column's ts_ms(raw) (timestamps only), computed once a level below.
 */
function decide(column: Column, raw: string, parsed: string): { value: string; reason: string } {
  const missing = `coalesce(${raw}, '') = ''`;
  const t = column.type;
  switch (t.kind) {
    case 'text':
      return {
        value: raw,
        reason: `CASE WHEN ${missing} THEN ${str(MISSING)} WHEN NOT regexp_full_match(${raw}, ${str(t.pattern)}) THEN ${str(`must be ${t.describe}`)} END`,
      };
    case 'oneOf':
      return {
        value: raw,
        reason: `CASE WHEN ${missing} THEN ${str(MISSING)} WHEN ${raw} NOT IN (${t.values.map(str).join(', ')}) THEN ${str(`must be one of ${t.values.join(', ')}`)} END`,
      };
    case 'integer':
      return {
        value: `TRY_CAST(${raw} AS INTEGER)`,
        reason: `CASE WHEN ${missing} THEN ${str(MISSING)}
          WHEN NOT regexp_full_match(${raw}, '-?\\d{1,9}') THEN 'must be a whole number'
          WHEN NOT (TRY_CAST(${raw} AS BIGINT) BETWEEN ${t.min} AND ${t.max}) THEN ${str(`must be between ${t.min} and ${t.max}`)} END`,
      };
    case 'money': {
      // Exact: a DECIMAL cast of at most two decimals, times 100, is the integer number of cents.
      const cents = `CAST(TRY_CAST(${raw} AS DECIMAL(14, 2)) * 100 AS BIGINT)`;
      return {
        value: cents,
        reason: `CASE WHEN ${missing} THEN ${str(MISSING)}
          WHEN NOT regexp_full_match(${raw}, '-?\\d{1,12}(\\.\\d{1,2})?') THEN 'must be an amount with at most two decimals'
          WHEN ${cents} < 0 THEN 'must not be negative' END`,
      };
    }
    case 'timestamp': {
      const expected = str(`not a valid timestamp (expected ${describeFormats(DEFAULT_DATE_FORMATS)})`);
      return {
        value: parsed,
        reason: `CASE WHEN ${missing} THEN ${t.optional ? 'NULL' : str(MISSING)} WHEN ${parsed} IS NULL THEN ${expected} END`,
      };
    }
    case 'optionalText':
      return { value: `nullif(${raw}, '')`, reason: 'NULL' };
  }
}

/** Derived columns (domain/contracts/derived.ts, as cartwheel computes them) over the deduplicated rows `d`. */
function derivedSelect(source: Source, businessDate: string): string {
  const [year, month] = businessDate.split('-');
  const constantMonth = `${str(year)} AS year, ${str(month)} AS month`;
  switch (source) {
    case 'orders':
      return `SELECT * EXCLUDE (purchase_ms, approved_ms, delivered_ms, estimated_ms),
          CAST(sum(line_total_cents) OVER (PARTITION BY order_id) AS BIGINT) AS order_total_cents,
          CAST(count(*) OVER (PARTITION BY order_id) AS INTEGER) AS order_line_count,
          strftime(order_purchase_timestamp, '%Y-%m-%d') AS purchase_date,
          CAST(year(order_purchase_timestamp) AS INTEGER) AS purchase_year,
          CAST(month(order_purchase_timestamp) AS INTEGER) AS purchase_month,
          CAST(isodow(order_purchase_timestamp) AS INTEGER) AS purchase_weekday,
          CAST(floor((delivered_ms - purchase_ms) / 86400000.0) AS INTEGER) AS delivery_days,
          CASE WHEN delivered_ms IS NULL OR estimated_ms IS NULL THEN NULL WHEN delivered_ms > estimated_ms THEN 1 ELSE 0 END AS is_late,
          strftime(order_purchase_timestamp, '%Y') AS year,
          strftime(order_purchase_timestamp, '%m') AS month
        FROM (SELECT *, price + freight_value AS line_total_cents FROM d)`;
    case 'products':
      return `SELECT *,
          CASE WHEN product_weight_g < 500 THEN 'light' WHEN product_weight_g < 5000 THEN 'medium' WHEN product_weight_g < 30000 THEN 'heavy' ELSE 'bulky' END AS weight_class,
          CASE WHEN volume_cm3 < 1000 THEN 'small' WHEN volume_cm3 < 20000 THEN 'medium' WHEN volume_cm3 < 100000 THEN 'large' ELSE 'oversized' END AS size_class,
          ${constantMonth}
        FROM (SELECT *, CAST(product_length_cm AS BIGINT) * product_height_cm * product_width_cm AS volume_cm3 FROM d)`;
    case 'payments':
      return `SELECT *,
          CASE WHEN payment_installments <= 1 THEN CASE WHEN payment_installments = 0 THEN '0' ELSE '1' END
               WHEN payment_installments <= 3 THEN '2-3' WHEN payment_installments <= 6 THEN '4-6'
               WHEN payment_installments <= 12 THEN '7-12' ELSE '13+' END AS installment_bucket,
          ${constantMonth}
        FROM d`;
    case 'customers':
      return `SELECT *, ${constantMonth} FROM d`;
  }
}

/** Short names the orders derivation reads; other sources keep only the typed contract columns. */
const EPOCH_ALIASES: Partial<Record<string, string>> = {
  order_purchase_timestamp: 'purchase_ms',
  order_approved_at: 'approved_ms',
  order_delivered_customer_date: 'delivered_ms',
  order_estimated_delivery_date: 'estimated_ms',
};

const TRACE = process.env.CARTWHEEL_DUCKDB_TRACE === '1' || process.env.CARTWHEEL_DUCKDB_TRACE === 'sql';

/** Runs one statement; with CARTWHEEL_DUCKDB_TRACE=1, says on stderr what it cost. */
async function run(connection: DuckDBConnection, sql: string): Promise<unknown[][]> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const rows = (await connection.runAndReadAll(sql)).getRows();
  if (TRACE) {
    const cpu = process.cpuUsage(c0);
    console.error(`${((performance.now() - t0) / 1000).toFixed(2)} s wall ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s cpu  ${process.env.CARTWHEEL_DUCKDB_TRACE === 'sql' ? `${sql};` : sql.replace(/\s+/g, ' ').slice(0, 90)}`);
  }
  return rows;
}

async function count(connection: DuckDBConnection, sql: string): Promise<number> {
  return Number((await run(connection, sql))[0][0]);
}

async function runSource(connection: DuckDBConnection, source: Source, landingDir: string, outDir: string, date: string): Promise<DuckdbSourceResult> {
  const columns = COLUMNS[source];
  const csv = path.join(landingDir, `${source}.csv`);
  const dialect = `header = true, all_varchar = true, delim = ',', quote = '"', escape = '"'`;

  // 1. Typed read: every column VARCHAR, structurally broken records into the `broken` table. A
  // plain CREATE TABLE AS over read_csv keeps the file's order, so raw.rowid is the position of the
  // well-formed record. (Measured: a CREATE TABLE AS with the validation projected straight over
  // read_csv did not keep it at 1.2M rows, so positions are taken from this plain copy.)
  await run(connection, `CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM read_csv(${str(csv)}, ${dialect},
      ignore_errors = true, store_rejects = true, rejects_table = 'broken', rejects_scan = 'broken_scan')`);
  // The header: every contract column present, except those added later (read as empty).
  const present = new Set((await run(connection, `SELECT column_name FROM (DESCRIBE raw)`)).map((row) => String(row[0])));
  const absent = columns.filter((c) => !present.has(c.name));
  const notOptional = absent.filter((c) => !(c.type.kind === 'optionalText' && c.type.optionalInHeader));
  if (notOptional.length > 0) throw new Error(`${source}.csv: header lacks ${notOptional.map((c) => c.name).join(', ')}`);
  const rawOf = (c: Column): string => (absent.includes(c) ? 'CAST(NULL AS VARCHAR)' : `raw.${id(c.name)}`);
  const personal = (c: Column): boolean => c.type.kind === 'optionalText' && c.type.personal === true;

  // 2. Validation into `checked`, with the record's position (_rec). Four levels, so that nothing
  // is computed twice (DuckDB re-evaluates a select-list alias used in the same list): raw values and
  // parsed timestamps; typed values and each column's reason; how many columns fail; the verdict
  // (first reason, + how many more) and the delivered values of rejected rows only.
  const decided = columns.map((c, i) => ({ column: c, ...decide(c, `_v${i}`, `_t${i}`) }));
  const level1 = columns.map((c, i) =>
    c.type.kind === 'timestamp' ? `${rawOf(c)} AS _v${i}, CASE WHEN coalesce(${rawOf(c)}, '') <> '' THEN ts_ms(${rawOf(c)}) END AS _t${i}` : `${rawOf(c)} AS _v${i}`,
  );
  const typed = decided.map((d, i) => {
    const epoch = EPOCH_ALIASES[d.column.name];
    if (d.column.type.kind !== 'timestamp') return `${d.value} AS ${id(d.column.name)}`;
    return `epoch_ms(_t${i}) AS ${id(d.column.name)}${source === 'orders' && epoch ? `, _t${i} AS ${epoch}` : ''}${d.column.name === KEY[source].latestBy ? `, _t${i} AS _latest_ms` : ''}`;
  });
  const firstFailing = (pick: (i: number) => string): string => `CASE ${decided.map((_, i) => `WHEN _r${i} IS NOT NULL THEN ${pick(i)}`).join(' ')} END`;
  await run(connection, `CREATE OR REPLACE TEMP TABLE checked AS
    SELECT * EXCLUDE (${decided.map((_, i) => `_r${i}, _v${i}`).join(', ')}),
      CASE WHEN _failing > 0 THEN ${firstFailing((i) => str(columns[i].name))} END AS _column,
      CASE WHEN _failing > 0 THEN ${firstFailing((i) => `_r${i}`)} || CASE WHEN _failing > 1 THEN ' (+' || CAST(_failing - 1 AS VARCHAR) || ' more)' ELSE '' END END AS _reason,
      ${columns.map((_, i) => `CASE WHEN _failing > 0 THEN _v${i} END AS _raw${i}`).join(', ')}
    FROM (
      SELECT *, ${decided.map((_, i) => `CAST(_r${i} IS NOT NULL AS INTEGER)`).join(' + ')} AS _failing
      FROM (
        SELECT _rec, ${typed.join(', ')},
          ${decided.map((d, i) => `${d.reason} AS _r${i}, _v${i}`).join(',\n          ')}
        FROM (
          SELECT raw.rowid AS _rec, ${level1.join(', ')} FROM raw
        )
      )
    )`);
  await run(connection, `DROP TABLE raw`);

  // A well-formed record's line is its position + 2, plus the broken lines before it (exact unless a
  // quoted field spans lines). Consecutive broken lines share a from_rec: keep the most lines before.
  const broken = await count(connection, `SELECT count(DISTINCT line) FROM broken`);
  await run(connection, `CREATE OR REPLACE TEMP TABLE broken_lines AS
      SELECT from_rec, max(before) AS before FROM (
        SELECT CAST(line - 1 - row_number() OVER (ORDER BY line) AS BIGINT) AS from_rec, row_number() OVER (ORDER BY line) AS before
        FROM (SELECT DISTINCT line FROM broken)
      ) GROUP BY from_rec`);
  const withLine = (where: string): string =>
    broken === 0
      ? `SELECT c.*, CAST(c._rec + 2 AS INTEGER) AS source_line FROM checked c WHERE ${where}`
      : `SELECT c.*, CAST(c._rec + 2 + coalesce(b.before, 0) AS INTEGER) AS source_line FROM checked c ASOF LEFT JOIN broken_lines b ON c._rec >= b.from_rec WHERE ${where}`;

  // 3. Rejects: validation failures with the delivered columns (personal ones masked), then broken lines.
  const shown = (c: Column, i: number): string => (personal(c) ? `CASE WHEN coalesce(_raw${i}, '') = '' THEN _raw${i} ELSE '***' END` : `_raw${i}`);
  const value = `CASE _column ${columns.map((c, i) => `WHEN ${str(c.name)} THEN ${shown(c, i)}`).join(' ')} END`;
  const rejectsDir = path.join(outDir, 'rejects');
  mkdirSync(rejectsDir, { recursive: true });
  await run(connection, `COPY (
      SELECT * FROM (
        SELECT source_line AS line, _column AS "column", ${value} AS value, _reason AS reason,
          ${columns.map((c, i) => `${shown(c, i)} AS ${id(c.name)}`).join(', ')}
        FROM (${withLine('_reason IS NOT NULL')})
        UNION ALL
        SELECT CAST(line AS INTEGER), arg_min(column_name, column_idx), ${source === 'customers' ? "'***'" : 'any_value(csv_line)'},
          arg_min(error_type || ': ' || error_message, column_idx), ${columns.map((c) => `CAST(NULL AS VARCHAR) AS ${id(c.name)}`).join(', ')}
        FROM broken GROUP BY line
      ) ORDER BY line
    ) TO ${str(path.join(rejectsDir, `${source}.csv`))} (FORMAT CSV, HEADER true)`);
  const rejected = (await count(connection, `SELECT count(*) FROM checked WHERE _reason IS NOT NULL`)) + broken;

  // 4-6. Dedup by key (latest latestBy, then the later line), derived columns, partitioned snappy Parquet.
  const { key, latestBy } = KEY[source];
  // The winner of each key, found on narrow columns (cheaper than a window over whole rows): the
  // greatest (latestBy, position); the position orders like the line.
  const winner = latestBy ? `arg_max(_rec, {'latest': _latest_ms, 'rec': _rec})` : 'max(_rec)';
  const drop = ['_rec', '_column', '_reason', '_failing', ...columns.map((_, i) => `_raw${i}`), ...(latestBy ? ['_latest_ms'] : [])];
  const valid = await count(connection, `SELECT count(*) FROM checked WHERE _reason IS NULL`);
  const target = path.join(outDir, source);
  rmSync(target, { recursive: true, force: true });
  const staged = await count(connection, `COPY (
      WITH d AS (
        SELECT source_line, * EXCLUDE (${[...drop, 'source_line'].join(', ')}), ${str(date)} AS business_date
        FROM (${withLine(`_reason IS NULL AND _rec IN (SELECT ${winner} FROM checked WHERE _reason IS NULL GROUP BY ${key.map(id).join(', ')})`)})
      )
      ${derivedSelect(source, date)}
    ) TO ${str(target)} (FORMAT PARQUET, COMPRESSION SNAPPY, PARTITION_BY (year, month))`);
  const rows = (await count(connection, `SELECT count(*) FROM checked`)) + broken;
  await run(connection, `DROP TABLE checked; DROP TABLE broken_lines; DROP TABLE broken; DROP TABLE broken_scan`);
  return { rows, rejected, duplicates: valid - staged, staged };
}

/** Without a date in the arguments or the folder name: the purchase day of the first order line. */
function firstPurchaseDate(ordersCsv: string): string {
  const buffer = Buffer.alloc(65_536);
  const fd = openSync(ordersCsv, 'r');
  const length = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  const head = buffer.subarray(0, length).toString('utf8').split(/\r?\n/);
  const column = (head[0] ?? '').split(',').indexOf('order_purchase_timestamp');
  const found = /^\d{4}-\d{2}-\d{2}/.exec((head[1] ?? '').split(',')[column] ?? '');
  if (!found) throw new Error(`${ordersCsv}: cannot tell the business date; pass it as the third argument`);
  return found[0];
}

export async function duckdbPipeline(landingDir: string, outDir: string, givenDate?: string): Promise<Omit<DuckdbResult, 'cpuSeconds' | 'processCpuSeconds' | 'peakRssMb'>> {
  const started = performance.now();
  const scratch = mkdtempSync(path.join(tmpdir(), 'cartwheel-duckdb-'));
  // Default threads (one per core); spill to a scratch folder if the engine runs short of memory.
  // Only TIMESTAMP (no time zone) is used, so the result does not depend on the process time zone
  // (the bundled engine has no ICU; TIMESTAMPTZ would need it).
  let instance: DuckDBInstance | undefined;
  let connection: DuckDBConnection | undefined;
  try {
    instance = await DuckDBInstance.create(':memory:', { temp_directory: path.join(scratch, 'spill') });
    connection = await instance.connect();
    for (const macro of MACROS) await run(connection, macro);
    mkdirSync(outDir, { recursive: true });
    const folderDate = /^\d{4}-\d{2}-\d{2}$/.test(path.basename(landingDir)) ? path.basename(landingDir) : undefined;
    const businessDate = givenDate ?? folderDate ?? firstPurchaseDate(path.join(landingDir, 'orders.csv'));
    const bySource = {} as Record<Source, DuckdbSourceResult>;
    for (const source of SOURCES) bySource[source] = await runSource(connection, source, landingDir, outDir, businessDate);
    const totals = Object.values(bySource);
    return {
      rows: totals.reduce((sum, s) => sum + s.rows, 0),
      rejected: totals.reduce((sum, s) => sum + s.rejected, 0),
      seconds: (performance.now() - started) / 1000,
      bySource,
    };
  } finally {
    connection?.closeSync();
    instance?.closeSync();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const [landingDir, outDir, businessDate] = process.argv.slice(2);
  if (!landingDir || !outDir) throw new Error('usage: duckdbPipeline.ts <landingDir> <outDir> [businessDate]');
  const before = process.cpuUsage();
  const result = await duckdbPipeline(path.resolve(landingDir), path.resolve(outDir), businessDate);
  const work = process.cpuUsage(before);
  const total = process.cpuUsage();
  const out: DuckdbResult = {
    rows: result.rows,
    rejected: result.rejected,
    seconds: result.seconds,
    cpuSeconds: (work.user + work.system) / 1e6,
    processCpuSeconds: (total.user + total.system) / 1e6,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    bySource: result.bySource,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
