/**
 * The transform as ClickHouse SQL, generated from the source contract and its settings: one SELECT
 * over a partition's valid rows that
 *
 *   1. removes duplicates by the dedup key: the greatest `latestBy` wins, a tie goes to the later
 *      source_line (the lines of ORDER BY key, latest DESC, line DESC LIMIT 1 BY key), and counts
 *      the rows read;
 *   2. adds what order-level fields and rules need about each order, over its surviving lines:
 *      total, line count, distinct statuses (window functions by order_id over the winners' few
 *      columns, joined back by line);
 *   3. applies the null strategies in their configured order, one layer each: a strategy sees the
 *      values earlier ones filled, a drop_row ends the row's treatment, and each marks the rows it
 *      handled (`_null_<i>`) so they are counted;
 *   4. computes the calculated columns of contracts/derived.ts and every active business rule
 *      (`_rule_<j>`, the predicates of rules.ts), the row's rule_flags and, for a row a quarantining
 *      rule breaks, the reason (`_quarantine`);
 *   5. casts every staged column to the type of the staged contract (the warehouse's raw tables'
 *      types, pipeline/build/rawTables.ts): text String, whole numbers Int32, money Int64 cents, timestamps
 *      DateTime64(3, 'UTC'), Nullable exactly where the contract allows empty values.
 *
 * String constants (a fill value, a rule's reason) travel as query parameters, never inside the SQL.
 */
import { csvFieldSql } from '../files/csvText';
import { CONTRACTS, contractColumns, stagedColumns, storedContractColumns, type ColumnSpec, type SourceName } from '../../domain/contracts';
import { DERIVED_COLUMNS } from '../../domain/contracts/derived';
import { clickhouseTypeOf } from '../build/rawTables';
import { dedupOf, type NullStrategy, type SourceSettings } from '../../domain/settings/sources';
import { rulesOf, type BusinessRule } from '../../domain/businessRules';

export interface ActiveRule {
  rule: BusinessRule;
  action: 'quarantine' | 'flag';
}

export interface TransformSql {
  /** SELECT of the cleaned rows: staged columns, then the bookkeeping columns (`_dropped`, `_null_<i>`, `_rule_<j>`, `_quarantine`, `_rows_in`). */
  select: string;
  params: Record<string, string>;
  strategies: [string, NullStrategy][];
  rules: ActiveRule[];
}

/** The rules in force for a source with its settings, in rule order. */
export function activeRules(source: SourceName, settings: SourceSettings): ActiveRule[] {
  return rulesOf(source)
    .map((rule) => ({ rule, action: settings.rules[rule.name] ?? rule.defaultAction }))
    .filter((r): r is ActiveRule => r.action !== 'off');
}

/** Columns of a valid partition as ingest writes it: stored contract columns, business_date, source_line. */
export function validColumns(source: SourceName): ColumnSpec[] {
  return stagedColumns(source).filter((c) => !DERIVED_COLUMNS[source].includes(c));
}

/** `name Type, ...` for file() and for tables. */
export function structureOf(columns: readonly ColumnSpec[]): string {
  return columns.map((c) => `${c.name} ${clickhouseTypeOf(c)}`).join(', ');
}

const DAY_MS = 86_400_000;

/** What the unknown_member null strategy fills in: the explicit "unknown" member of a dimension attribute. */
export const UNKNOWN_MEMBER = 'unknown';

/** The calculated columns of contracts/derived.ts, as SQL over a cleaned row (order context: `_order_*`). */
export const DERIVED_SQL: Record<SourceName, Record<string, string>> = {
  customers: {},
  products: {
    volume_cm3: '_volume',
    weight_class: "multiIf(product_weight_g < 500, 'light', product_weight_g < 5000, 'medium', product_weight_g < 30000, 'heavy', 'bulky')",
    size_class: "multiIf(_volume < 1000, 'small', _volume < 20000, 'medium', _volume < 100000, 'large', 'oversized')",
  },
  orders: {
    line_total_cents: 'price + freight_value',
    order_total_cents: '_order_total',
    order_line_count: '_order_lines',
    purchase_date: "formatDateTime(order_purchase_timestamp, '%Y-%m-%d', 'UTC')",
    purchase_year: "toYear(order_purchase_timestamp, 'UTC')",
    purchase_month: "toMonth(order_purchase_timestamp, 'UTC')",
    purchase_weekday: "toDayOfWeek(order_purchase_timestamp, 0, 'UTC')", // ISO: Monday = 1
    delivery_days: `if(order_delivered_customer_date IS NULL, NULL, floor((toUnixTimestamp64Milli(order_delivered_customer_date) - toUnixTimestamp64Milli(order_purchase_timestamp)) / ${DAY_MS}))`,
    is_late: 'if(order_delivered_customer_date IS NULL OR order_estimated_delivery_date IS NULL, NULL, order_delivered_customer_date > order_estimated_delivery_date)',
  },
  payments: {
    installment_bucket: "multiIf(payment_installments <= 1, if(payment_installments = 0, '0', '1'), payment_installments <= 3, '2-3', payment_installments <= 6, '4-6', payment_installments <= 12, '7-12', '13+')",
  },
};

/** Helper columns a source's derived columns use, computed in a layer before them. */
const HELPERS_SQL: Record<SourceName, string> = {
  customers: '',
  // The product of three Int32 is Int64: the classes see the true volume; volume_cm3 is cast to Int32.
  products: ', toInt64(ifNull(product_length_cm, 0)) * ifNull(product_height_cm, 0) * ifNull(product_width_cm, 0) AS _volume',
  orders: '',
  payments: '',
};

/**
 * `input`: a table expression holding rows of validColumns(source) (a file() call, a table). The
 * result's first columns are stagedColumns(source), in order, then options.extraColumns.
 */
export interface TransformSqlOptions {
  /** Another dedup key and tie-breaking timestamp than the settings' (a change batch: the contract key, updated_at). */
  key?: readonly string[];
  latestBy?: string;
  /** Columns the input carries besides validColumns(source), passed through after the staged ones (a change batch's version columns). */
  extraColumns?: readonly ColumnSpec[];
}

export function transformSql(source: SourceName, settings: SourceSettings, input: string, options: TransformSqlOptions = {}): TransformSql {
  const dedup = dedupOf(source, settings);
  const key = options.key ?? dedup.key;
  const latestBy = options.latestBy ?? dedup.latestBy;
  const strategies = Object.entries(settings.nullStrategies);
  const rules = activeRules(source, settings);
  const params: Record<string, string> = {};
  const specs = new Map(contractColumns(CONTRACTS[source]).map((c) => [c.name, c]));

  // 1. Deduplicate: pick each key's winning line by sorting only the key, the timestamp and the line,
  //    then keep the rows of those lines (source_line is unique in a landed file). Sorting whole
  //    rows to pick them cost the 1M day's orders and customers 2-3x more CPU. Count what was read.
  const order = [...key, ...(latestBy ? [`ifNull(toUnixTimestamp64Milli(${latestBy}), 0) DESC`] : []), 'source_line DESC'].join(', ');
  const winners = (columns: string) => `SELECT ${columns} FROM ${input} ORDER BY ${order} LIMIT 1 BY ${key.join(', ')}`;
  const counted = `SELECT *, (SELECT count() FROM ${input}) AS _rows_in, toUInt8(0) AS _dropped FROM ${input}`;
  let sql = `${counted} WHERE source_line IN (${winners('source_line')})`;

  // 2. Orders: the order context over the surviving lines (before null strategies and rules, as
  //    they see it): a window over the winners' few columns, joined to their rows by line. The same
  //    window over whole rows sorts every column: the 1M day's 34 orders statements took 2.84
  //    CPU-s that way, 2.62 this way (a GROUP BY order_id joined back: 3.2; it reads the winners twice).
  if (source === 'orders') {
    // Replaces the IN filter above: the join keeps the winners' rows.
    const context = `SELECT source_line, sum(price + freight_value) OVER o AS _order_total, count() OVER o AS _order_lines, uniqExact(order_status) OVER o AS _order_statuses
      FROM (${winners('source_line, order_id, price, freight_value, order_status')}) WINDOW o AS (PARTITION BY order_id)`;
    sql = `${counted} AS _row INNER JOIN (${context}) AS _order USING source_line`;
  }

  // 3. Null strategies, in order.
  strategies.forEach(([column, strategy], i) => {
    const spec = specs.get(column);
    if (!spec) throw new Error(`null strategy for ${column}: no such column in the ${source} contract`);
    sql = `SELECT *, toUInt8(NOT _dropped AND ${column} IS NULL) AS _null_${i} FROM (${sql})`;
    const replace = strategy.strategy === 'drop_row' ? `toUInt8(_dropped OR _null_${i}) AS _dropped` : `${fillSql(spec, strategy, `null_${i}`, params)} AS ${column}`;
    sql = `SELECT * REPLACE (${replace}) FROM (${sql})`;
  });

  // 4. Calculated columns, rules, flags and the quarantine reason.
  const derived = DERIVED_COLUMNS[source].filter((c) => c.name !== 'rule_flags');
  const ruleColumns = rules.map(({ rule }, j) => `toUInt8(${rule.sql}) AS _rule_${j}`);
  const flags = rules.length === 0 ? "''" : `arrayStringConcat(arrayFilter(x -> x != '', [${rules.map((_, j) => `if(_rule_${j}, {rule_${j}:String}, '')`).join(', ')}]), ',')`;
  rules.forEach(({ rule }, j) => {
    params[`rule_${j}`] = rule.name;
    params[`reason_${j}`] = `business rule ${rule.name}: ${rule.description}`;
  });
  const quarantining = rules.map((r, j) => ({ ...r, j })).filter((r) => r.action === 'quarantine');
  const reason = quarantining.length === 0 ? "''" : `multiIf(${quarantining.map(({ j }) => `_rule_${j}, {reason_${j}:String}`).join(', ')}, '')`;
  sql = `SELECT *${HELPERS_SQL[source]} FROM (${sql})`;
  sql = `SELECT *, ${[...derived.map((c) => `${DERIVED_SQL[source][c.name]} AS _derived_${c.name}`), ...ruleColumns].join(', ') || '1 AS _none'} FROM (${sql})`;
  sql = `SELECT *, ${flags} AS _rule_flags, ${reason} AS _quarantine FROM (${sql})`;

  // 5. Staged columns with the staged contract's types, then the bookkeeping.
  const staged = stagedColumns(source).map((c) => {
    const value = c.name === 'rule_flags' ? '_rule_flags' : derived.includes(c) ? `_derived_${c.name}` : c.name;
    return `CAST(${value} AS ${clickhouseTypeOf(c)}) AS ${c.name}`;
  });
  for (const c of options.extraColumns ?? []) staged.push(`CAST(${c.name} AS ${clickhouseTypeOf(c)}) AS ${c.name}`);
  const bookkeeping = ['_dropped', ...strategies.map((_, i) => `_null_${i}`), ...rules.map((_, j) => `_rule_${j}`), '_quarantine', '_rows_in'];
  const select = `SELECT ${[...staged, ...bookkeeping].join(', ')} FROM (${sql})`;
  return { select, params, strategies, rules };
}

function fillSql(spec: ColumnSpec, strategy: Exclude<NullStrategy, { strategy: 'drop_row' }>, param: string, params: Record<string, string>): string {
  const column = spec.name;
  switch (strategy.strategy) {
    case 'unknown_member':
      params[param] = UNKNOWN_MEMBER;
      return `coalesce(${column}, {${param}:String})`;
    case 'fill_from_column':
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(strategy.column)) throw new Error(`fill_from_column: ${strategy.column} is not a column name`);
      return `coalesce(${column}, ${strategy.column})`;
    case 'fill_constant': {
      if (spec.storage === 'string') {
        params[param] = String(strategy.value);
        return `coalesce(${column}, {${param}:String})`;
      }
      const value = Number(strategy.value);
      if (!Number.isFinite(value)) throw new Error(`fill_constant for ${column}: ${strategy.value} is not a number`);
      const literal = `toInt64(${Math.trunc(value)})`;
      const typed = spec.storage === 'timestamp' ? `fromUnixTimestamp64Milli(${literal}, 'UTC')` : spec.storage === 'int32' ? `toInt32(${literal})` : literal;
      return `coalesce(${column}, ${typed})`;
    }
  }
}

/** A contract column's value as text the contract accepts again (money 12.34, timestamps ISO 8601 UTC). */
export function originalTextSql(spec: ColumnSpec): string {
  const c = spec.name;
  switch (spec.storage) {
    case 'string':
      return `ifNull(${c}, '')`;
    case 'int32':
      return `ifNull(toString(${c}), '')`;
    case 'cents':
      return `ifNull(concat(if(${c} < 0, '-', ''), toString(intDiv(abs(${c}), 100)), '.', leftPad(toString(abs(${c}) % 100), 2, '0')), '')`;
    case 'timestamp':
      return `ifNull(concat(formatDateTime(${c}, '%Y-%m-%dT%H:%i:%S', 'UTC'), '.', leftPad(toString(((toUnixTimestamp64Milli(${c}) % 1000) + 1000) % 1000), 3, '0'), 'Z'), '')`;
  }
}

/**
 * One CSV line per quarantined row (without its line break): QUARANTINE_HEADER's fields (landing
 * file as {landing:String}, line, empty column and value, the reason: the SQL expression `reason`)
 * and `columns` (the landed file's contract columns) as delivered. Personal columns cannot be shown
 * from here (they are ciphertext): refused by the caller.
 */
export function quarantineLineSql(columns: readonly ColumnSpec[], reason = '_quarantine'): string {
  const fields = ['{landing:String}', 'toString(source_line)', "''", "''", reason, ...columns.map(originalTextSql)];
  return `arrayStringConcat([${fields.map(csvFieldSql).join(', ')}], ',')`;
}

/** Stored columns that are forms of personal data: a rules-quarantine file could not show them as delivered. */
export function hasPersonalColumns(source: SourceName): boolean {
  return storedContractColumns(source).some((c) => c.protects !== undefined);
}
