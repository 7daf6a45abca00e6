/**
 * The tables of docs/configuration.md, from the code: the worker's environment variables from
 * workers/config.ts (names, defaults and accepted values from its zod schema), the variables the tools
 * and tests read, found by scanning the sources, and the settings files workers/environments/*.json
 * with the business rules they may override. What each setting means is written here, once; a
 * setting without a meaning, or a meaning of a setting that is gone, fails the generation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CONTRACTS, SOURCE_NAMES } from '../../domain/contracts';
import { sourceSettingsSchema } from '../../domain/settings/sources';
import { RULES } from '../../domain/businessRules';
import { environmentSchema, REPO_ROOT } from '../../workers/config';
import { environmentFile, environmentFileSchema, ENVIRONMENTS } from '../../workers/environments';
import { code, table, valueText } from './markdown';

interface Meaning {
  meaning: string;
  /** What an unset variable without a default means. */
  unset?: string;
  /** Accepted values, when the schema alone does not say it readably (key formats). */
  accepts?: string;
}

const KEY = '`<key id>:<base64 of 32 bytes>`';
const KEY_LIST = `comma-separated ${KEY}`;

/** The worker's variables (workers/config.ts), in the schema's order. */
const WORKER_VARIABLES: Record<string, Meaning> = {
  CARTWHEEL_ENV: { meaning: 'which `workers/environments/<name>.json` to use; `prod` requires the payload and personal-data keys' },
  CARTWHEEL_SETTINGS_FILE: { meaning: 'another settings file in the shape of `workers/environments/*.json`', unset: 'the file of `CARTWHEEL_ENV`' },
  CARTWHEEL_DATA_DIR: { meaning: 'landing, work, quarantine, staging, archive, reports and run state; `clickhouse/` holds the warehouse server\'s data, config and passwords' },
  CARTWHEEL_CHDB_PATH: { meaning: 'folder of an embedded chDB warehouse; no process uses one since the data folder\'s chDB server became the warehouse (tests open embedded chDB themselves)', unset: '`<data folder>/warehouse`' },
  CARTWHEEL_TASK_QUEUE: { meaning: 'the Temporal task queue workers poll and runs are started on' },
  CARTWHEEL_WORK_DIR: { meaning: 'this worker\'s scratch folder: a day\'s work files between ingest and stage; one per worker host ([deployment](deployment.md))', unset: '`<CARTWHEEL_DATA_DIR>/work`' },
  CARTWHEEL_PIN_DAYS: { meaning: 'several workers: each also polls a task queue of its own, and a day\'s ingest, transform, quality and stage run on the worker that took the day ([deployment](deployment.md#workers))' },
  CARTWHEEL_LANDING_URL: { meaning: 'where exports land: a folder, or `s3://bucket/prefix` ([storage](storage.md))', unset: '`<CARTWHEEL_DATA_DIR>/landing`' },
  CARTWHEEL_STAGING_URL: { meaning: 'the staged Parquet the warehouse is built from: a folder, or `s3://bucket/prefix` ([storage](storage.md))', unset: '`<CARTWHEEL_DATA_DIR>/staging`' },
  CARTWHEEL_QUARANTINE_URL: { meaning: 'quarantine files: a folder, or `s3://bucket/prefix` ([storage](storage.md))', unset: '`<CARTWHEEL_DATA_DIR>/quarantine`' },
  CARTWHEEL_ARCHIVE_URL: { meaning: 'the encrypted archive of landed exports: a folder, or `s3://bucket/prefix` ([storage](storage.md))', unset: '`<CARTWHEEL_DATA_DIR>/archive`' },
  CARTWHEEL_S3_ENDPOINT: { meaning: 'the S3 API of the `s3://` locations, e.g. `http://versitygw:7070` (path-style requests)', unset: 'AWS S3 in `CARTWHEEL_S3_REGION`' },
  CARTWHEEL_S3_REGION: { meaning: 'the region requests are signed for' },
  CARTWHEEL_S3_ACCESS_KEY_ID: { meaning: 'access key of the `s3://` locations; required when one is set; never printed' },
  CARTWHEEL_S3_SECRET_ACCESS_KEY: { meaning: 'its secret; required when an `s3://` location is set; never printed (the engine signs with the server\'s named collection `cartwheel_s3` instead, [storage](storage.md#the-engines-credentials))' },
  CARTWHEEL_CLICKHOUSE_HTTP_PORT: { meaning: 'loopback HTTP port of the data folder\'s chDB server (0: any free port); a taken port is an error naming the variable' },
  CARTWHEEL_CLICKHOUSE_TCP_PORT: { meaning: 'loopback native-protocol port of the data folder\'s chDB server (0: any free port)' },
  CARTWHEEL_MAX_QUARANTINED_SHARE: { meaning: 'threshold of the built-in error check on the share of a source\'s rows its contract rejected' },
  CARTWHEEL_MAX_ORPHAN_SHARE: { meaning: 'threshold of the built-in error checks on foreign keys that resolve to nothing' },
  CARTWHEEL_WARN_DUPLICATE_SHARE: { meaning: 'threshold of the built-in warning on the share of duplicate rows removed' },
  CARTWHEEL_WARN_NULL_SHARE: { meaning: 'threshold of the built-in warnings on nulls in an optional column' },
  CARTWHEEL_QUALITY_CONFIG: { meaning: 'a YAML or JSON file of declared quality checks ([data quality](quality.md#declaring-checks)), validated at start', unset: 'the built-in checks' },
  CARTWHEEL_ALERT_WEBHOOK_URL: { meaning: 'quality alerts are POSTed here as JSON besides the log; never printed (it may hold a token)', unset: 'alerts go to the log only', accepts: 'http(s) URL' },
  CARTWHEEL_ALERT_ON: { meaning: '`warn`: warnings and failures alert; `fail`: failures only' },
  TEMPORAL_ADDRESS: { meaning: 'the Temporal frontend of workers and ops commands; `npm start` runs its own dev server only when this is unset' },
  TEMPORAL_NAMESPACE: { meaning: 'the Temporal namespace' },
  CLICKHOUSE_URL: { meaning: 'another ClickHouse server\'s HTTP endpoint, e.g. `http://clickhouse:8123`; credentials in it are redacted in logs', unset: 'the data folder\'s chDB server' },
  CLICKHOUSE_USER: { meaning: 'user on the `CLICKHOUSE_URL` server', unset: '`default`' },
  CLICKHOUSE_PASSWORD: { meaning: 'password on the `CLICKHOUSE_URL` server; never printed', unset: 'empty' },
  CLICKHOUSE_DATABASE: { meaning: 'the database of every table, on either kind of server' },
  CLICKHOUSE_CLUSTER: { meaning: 'a sharded warehouse: the cluster\'s name in the servers\' `<remote_servers>`; needs `CLICKHOUSE_URL` and `CLICKHOUSE_SHARDS` ([deployment](deployment.md#clickhouse-cluster))', unset: 'one server' },
  CLICKHOUSE_SHARDS: { meaning: 'every shard\'s HTTP URL, comma-separated, in the cluster\'s shard order (the same user and password on each)', unset: 'one server' },
  CARTWHEEL_WAREHOUSE_OPEN_ATTEMPTS: { meaning: 'tries to open an unavailable warehouse at worker start (1: no retry)' },
  CARTWHEEL_WAREHOUSE_OPEN_DELAY_MS: { meaning: 'first back-off between those tries; it doubles per try, up to 30 s' },
  CARTWHEEL_ACTOR: { meaning: 'who the audit log names for this process\'s loads and migrations', unset: 'the OS user' },
  CARTWHEEL_PAYLOAD_KEY: { meaning: 'encrypts Temporal payloads (inputs, results, heartbeats, memos); required with `CARTWHEEL_ENV=prod`', unset: 'histories in plaintext (dev and test only)', accepts: KEY },
  CARTWHEEL_PAYLOAD_PREVIOUS_KEYS: { meaning: 'older payload keys, for decrypting only (rotation)', accepts: KEY_LIST },
  CARTWHEEL_PII_KEY: { meaning: 'encrypts personal data (warehouse columns, archive); required with `CARTWHEEL_ENV=prod`', unset: 'the published development key (dev and test only)', accepts: KEY },
  CARTWHEEL_PII_PREVIOUS_KEYS: { meaning: 'older personal-data keys, for decrypting only (rotation)', accepts: KEY_LIST },
  CARTWHEEL_PII_TOKEN_KEY: { meaning: 'keys the e-mail and phone tokens; does not rotate with `CARTWHEEL_PII_KEY`; required with `CARTWHEEL_ENV=prod`', unset: 'the published development key (dev and test only)', accepts: KEY },
};

/** Variables read outside the worker's configuration: by the tools, the bench and the tests. */
const TOOL_VARIABLES: Record<string, Meaning> = {
  TEMPORAL_PORT: { meaning: 'port of the dev server `npm start` runs (default `7233`)' },
  TEMPORAL_UI_PORT: { meaning: 'port of that dev server\'s Web UI (default `8233`)' },
  TEMPORAL_CLI_PATH: { meaning: 'an existing `temporal` binary (CLI 1.5.1) instead of the provisioned one' },
  TEMPORAL_TEST_SERVER_PATH: { meaning: 'an existing Temporal time-skipping test server executable instead of the provisioned one' },
  VERSITYGW_PATH: { meaning: 'an existing `versitygw` binary (the S3 server of the storage tests, [storage](storage.md#versitygw-for-tests)) instead of the one built into `.tools/bin`' },
  CARTWHEEL_CHDB_PYTHON: { meaning: 'a Python that can `import chdb` (chdb-core 26.9) to run the warehouse server, instead of `.tools/clickhouse-server/venv`' },
  TZ: { meaning: 'the engine uses the process time zone: `.ci/run`, the test setup, the bench and the chaos suite set `UTC`' },
  CARTWHEEL_TEST_TEMP_ROOT: { meaning: 'set by `npm test` for its parallel mocha workers: the run\'s temporary folder (test/helpers/sharedServers.ts)' },
  CARTWHEEL_TEST_CHDB_SERVER_HOME: { meaning: 'set by `npm test` for its parallel mocha workers: the folder of the run\'s chDB server' },
  CARTWHEEL_TEST_TEMPORAL_ADDRESS: { meaning: 'set by `npm test` for its parallel mocha workers: the run\'s Temporal dev server (a namespace per file)' },
  CARTWHEEL_FUZZ_RUNS: { meaning: 'cases per fuzz property: 40 in `npm test`, 250 in `npm run fuzz` (two properties)' },
  UPDATE_HISTORIES: { meaning: '`1` re-records the workflow histories the replay tests use (after an intended, patched change)' },
  FC_SEED: { meaning: 'fixes the seed of the personal-data SQL property test, to repeat a failure' },
  PERSONAL_SQL_BENCH_ROWS: { meaning: 'rows of the personal-data SQL cost test (default 10,000; 200,000 for a measurement)' },
  CARTWHEEL_DUCKDB_TRACE: { meaning: '`1` (or `sql`) prints the time of each DuckDB statement of the bench\'s DuckDB contender' },
  CARTWHEEL_CLICKHOUSE_PID: { meaning: 'the bench adds this ClickHouse server process\'s memory to its peak RSS' },
};

/** Top-level keys of workers/environments/*.json. */
const FILE_SETTINGS: Record<string, string> = {
  partitionBytes: 'input bytes per hash partition: bounds the transform\'s memory per source',
  sources: 'per-source settings, below',
};

/** Keys of `sources.<source>` in those files (domain/settings/sources.ts). */
const SOURCE_SETTINGS: Record<string, string> = {
  dateFormats: 'timestamp formats tried in order (`ymd_hms` = `YYYY-MM-DD HH:MM:SS`, `dmy` = `DD/MM/YYYY`, `iso8601` with or without offset, epoch seconds or milliseconds)',
  nullTokens: 'values read as missing (and counted) besides the empty field; `[]` reads every value as delivered',
  bounds: 'plausibility bounds by column, replacing the contract\'s: `max` (money), `maxLength` (free text), `earliest`/`before` (timestamps)',
  freeText: 'line breaks and tabs in a free-text column: keep, normalise (to a space, counted) or quarantine the row',
  dedupKey: 'columns identifying a row for deduplication; must include the partition column (`customer_id`, `product_id`, `order_id`)',
  latestBy: 'the timestamp column whose latest value wins among duplicates (on a tie, or without one, the later line)',
  nullStrategies: 'what fills an empty optional column: `drop_row`, `fill_constant` (`value`), `fill_from_column` (`column`), `unknown_member`',
  rules: 'business-rule actions by rule name (table below): `quarantine`, `flag` or `off`',
};

/** Settings whose default is the contract's own choice, per source. */
const CONTRACT_DEFAULTS: Record<string, () => string> = {
  dedupKey: () => SOURCE_NAMES.map((source) => `${source}: ${valueText([...CONTRACTS[source].key])}`).join('; '),
  latestBy: () => SOURCE_NAMES.map((source) => `${source}: ${CONTRACTS[source].latestBy ? code(CONTRACTS[source].latestBy!) : 'none (the later line wins)'}`).join('; '),
};

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: string;
  items?: JsonSchema;
  additionalProperties?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  const?: unknown;
};

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function checkMeanings(what: string, documented: Record<string, unknown>, actual: readonly string[]): void {
  const missing = actual.filter((name) => !(name in documented));
  const stale = Object.keys(documented).filter((name) => !actual.includes(name));
  if (missing.length || stale.length) {
    throw new Error(`ops/docs/configurationTables.ts, ${what}: ${missing.length ? `no meaning for ${missing.join(', ')}` : ''}${missing.length && stale.length ? '; ' : ''}${stale.length ? `no longer in the code: ${stale.join(', ')}` : ''}`);
  }
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** What the schema accepts, readably: `integer 0–64`, `` one of `dev`, `test`, `prod` ``. */
function accepts(property: JsonSchema): string {
  if (property.enum) return `one of ${property.enum.map((v) => code(String(v))).join(', ')}`;
  if (property.type === 'integer' || property.type === 'number') {
    const kind = property.type === 'integer' ? 'integer' : 'number';
    const { minimum: min, maximum: max } = property;
    if (min !== undefined && max !== undefined && max < MAX_SAFE) return `${kind} ${min}–${max}`;
    if (min !== undefined) return `${kind} ≥ ${min}`;
    return kind;
  }
  if (property.format === 'uri') return 'URL';
  if (property.pattern === '^[A-Za-z_][A-Za-z0-9_]*$') return 'identifier (letters, digits, `_`)';
  return 'text';
}

/** A default as it is written; the data folder's default is shown relative to the repository. */
function defaultText(value: unknown): string {
  if (typeof value === 'string' && value.startsWith(REPO_ROOT)) return `${code(path.relative(REPO_ROOT, value))} in the repository`;
  return code(typeof value === 'string' ? value : JSON.stringify(value));
}

export function workerVariablesTable(): string {
  const properties = jsonSchemaOf(environmentSchema).properties ?? {};
  const names = Object.keys(properties);
  checkMeanings('WORKER_VARIABLES', WORKER_VARIABLES, names);
  const rows = names.map((name) => {
    const property = properties[name]!;
    const { meaning, unset, accepts: readable } = WORKER_VARIABLES[name]!;
    const fallback = property.default !== undefined ? defaultText(property.default) : unset ? `unset: ${unset}` : 'unset';
    return [code(name), fallback, readable ?? accepts(property), meaning];
  });
  return table(['variable', 'default', 'accepts', 'meaning'], rows);
}

const SCANNED_FOLDERS = ['activities', 'clickhouse', 'ops', 'test', 'workers', 'workflows', '.ci'];
const ENV_READ = /process\.env(?:\.([A-Z][A-Z0-9_]+)|\[['"]([A-Z][A-Z0-9_]+)['"]\])|_ENV = '([A-Z][A-Z0-9_]+)'|\$\{([A-Z][A-Z0-9_]+):-/g;

/** Every variable the sources (and package.json's scripts) read, with the top-level folders reading it. */
export function variablesReadBySources(root = REPO_ROOT): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const note = (name: string, where: string) => (found.get(name) ?? found.set(name, new Set()).get(name)!).add(where);
  const scan = (file: string, where: string) => {
    for (const match of readFileSync(file, 'utf8').matchAll(ENV_READ)) note(match.slice(1).find(Boolean)!, where);
  };
  const walk = (dir: string, where: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'fixtures' && entry.name !== 'histories') walk(full, where);
      else if (entry.isFile() && /\.(ts|py|sh)$|^run$/.test(entry.name)) scan(full, where);
    }
  };
  for (const folder of SCANNED_FOLDERS) walk(path.join(root, folder), `${folder}/`);
  scan(path.join(root, 'package.json'), 'package.json');
  return found;
}

export function toolVariablesTable(): string {
  const worker = new Set(Object.keys(jsonSchemaOf(environmentSchema).properties ?? {}));
  const read = variablesReadBySources();
  const names = [...read.keys()].filter((name) => !worker.has(name));
  checkMeanings('TOOL_VARIABLES', TOOL_VARIABLES, names);
  const rows = Object.keys(TOOL_VARIABLES).map((name) => [code(name), [...read.get(name)!].sort().map(code).join(', '), TOOL_VARIABLES[name]!.meaning]);
  return table(['variable', 'read in', 'meaning'], rows);
}

/** One row per setting, with its default and what each environment file sets. */
export function settingsFilesTable(): string {
  const files = Object.fromEntries(ENVIRONMENTS.map((name) => [name, JSON.parse(readFileSync(environmentFile(name), 'utf8')) as Record<string, unknown>]));
  const topLevel = jsonSchemaOf(environmentFileSchema).properties ?? {};
  checkMeanings('FILE_SETTINGS', FILE_SETTINGS, Object.keys(topLevel));
  const perSource = jsonSchemaOf(sourceSettingsSchema).properties ?? {};
  checkMeanings('SOURCE_SETTINGS', SOURCE_SETTINGS, Object.keys(perSource));
  const rows: string[][] = [];
  for (const key of Object.keys(topLevel).filter((k) => k !== 'sources')) {
    const values = ENVIRONMENTS.map((env) => (files[env]![key] === undefined ? 'default' : valueText(files[env]![key])));
    rows.push([code(key), defaultText(topLevel[key]!.default), ...values, FILE_SETTINGS[key]!]);
  }
  for (const key of Object.keys(perSource)) {
    const values = ENVIRONMENTS.map((env) => {
      const sources = (files[env]!.sources ?? {}) as Record<string, Record<string, unknown> | undefined>;
      const set = SOURCE_NAMES.filter((source) => sources[source]?.[key] !== undefined).map((source) => `${source}: ${valueText(sources[source]![key])}`);
      return set.length ? set.join('; ') : '—';
    });
    const fallback = perSource[key]!.default;
    const defaultCell = fallback !== undefined ? valueText(fallback) : key in CONTRACT_DEFAULTS ? CONTRACT_DEFAULTS[key]!() : 'unset';
    rows.push([code(`sources.<source>.${key}`), defaultCell, ...values, SOURCE_SETTINGS[key]!]);
  }
  return table(['setting', 'default', ...ENVIRONMENTS.map((env) => `${env}.json`), 'meaning'], rows);
}

export function businessRulesTable(): string {
  return table(
    ['rule', 'source', 'default action', 'what it expects'],
    RULES.map((rule) => [code(rule.name), rule.source, code(rule.defaultAction), rule.description]),
  );
}
