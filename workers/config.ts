/**
 * Configuration from the environment, validated once at start with errors that name the setting.
 * Secrets (CLICKHOUSE_PASSWORD) are kept here and never printed: see describeConfig.
 */
import path from 'node:path';
import { z } from 'zod';
import { alertSettingsSchema } from '../domain/settings/alerts';
import { loadQualityConfig } from '../domain/settings/loadQualityConfig';
import { personalDataKeysEnvSchema, personalDataKeysOf } from '../domain/security/personalDataKeys';
import { DEFAULT_QUALITY_THRESHOLDS, type PipelineSettings } from '../domain/settings/index';
import { isS3, s3UrlSchema, type StorageSettings } from '../domain/storage';
import { actorSchema } from '../clickhouse/audit';
import { redactUrl, type WarehouseConfig } from '../clickhouse/client';
import { DEFAULT_OPEN_RETRY, type OpenRetryPolicy } from '../clickhouse/openWithRetry';
import type { LocalServerSettings } from '../clickhouse/server/localServer';
import { ENVIRONMENTS, loadEnvironment, type EnvironmentName } from './environments';
import { payloadKeysEnvSchema, payloadKeysOf, type PayloadKeys } from './payloadKeys';

export const REPO_ROOT = path.resolve(__dirname, '..');

const share = z.coerce.number().min(0).max(1);
/** A folder, or s3://bucket/prefix (validated by s3UrlSchema then). */
const storageRootSchema = z.string().min(1).refine((root) => !isS3(root) || s3UrlSchema.safeParse(root).success, {
  error: 'must be a folder or s3://<bucket>[/<prefix>] with a valid bucket name and no . or .. segments',
});

export const environmentSchema = z.object({
  CARTWHEEL_ENV: z.enum(ENVIRONMENTS).default('dev'),
  /** Another settings file than workers/environments/<CARTWHEEL_ENV>.json. */
  CARTWHEEL_SETTINGS_FILE: z.string().min(1).optional(),
  CARTWHEEL_DATA_DIR: z.string().min(1).default(path.join(REPO_ROOT, 'data')),
  CARTWHEEL_CHDB_PATH: z.string().min(1).optional(),
  CARTWHEEL_TASK_QUEUE: z.string().min(1).default('cartwheel'),
  /** This worker's scratch folder (a day's work files); default <data folder>/work. One per worker host. */
  CARTWHEEL_WORK_DIR: z.string().min(1).optional(),
  /**
   * Several workers: each also polls a task queue of its own, and a day's file work (ingest to stage)
   * runs there, next to its scratch files (workflows/dayPinning.ts). Off: one worker, one queue.
   */
  CARTWHEEL_PIN_DAYS: z.stringbool().default(false),
  /**
   * Landing, staging, quarantine and archive: a folder (default <data folder>/<area>) or an S3 prefix
   * s3://bucket/prefix (domain/storage.ts, docs/storage.md). The work folder stays local.
   */
  CARTWHEEL_LANDING_URL: storageRootSchema.optional(),
  CARTWHEEL_STAGING_URL: storageRootSchema.optional(),
  CARTWHEEL_QUARANTINE_URL: storageRootSchema.optional(),
  CARTWHEEL_ARCHIVE_URL: storageRootSchema.optional(),
  /** The S3 API of those s3:// prefixes (absent: AWS in CARTWHEEL_S3_REGION) and its credentials: never printed. */
  CARTWHEEL_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  CARTWHEEL_S3_REGION: z.string().min(1).default('us-east-1'),
  CARTWHEEL_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  CARTWHEEL_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Loopback ports of the data folder's chDB server (the default warehouse); 0 picks free ones. */
  CARTWHEEL_CLICKHOUSE_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8123),
  CARTWHEEL_CLICKHOUSE_TCP_PORT: z.coerce.number().int().min(0).max(65535).default(9000),
  CARTWHEEL_MAX_QUARANTINED_SHARE: share.default(DEFAULT_QUALITY_THRESHOLDS.maxQuarantinedShare),
  CARTWHEEL_MAX_ORPHAN_SHARE: share.default(DEFAULT_QUALITY_THRESHOLDS.maxOrphanShare),
  CARTWHEEL_WARN_DUPLICATE_SHARE: share.default(DEFAULT_QUALITY_THRESHOLDS.warnDuplicateShare),
  CARTWHEEL_WARN_NULL_SHARE: share.default(DEFAULT_QUALITY_THRESHOLDS.warnNullShare),
  /** A YAML or JSON file of declared quality checks; unset: the built-in checks only. */
  CARTWHEEL_QUALITY_CONFIG: z.string().min(1).optional(),
  /** Quality alerts are POSTed here besides the log (may hold a token: never printed). */
  CARTWHEEL_ALERT_WEBHOOK_URL: alertSettingsSchema.shape.webhookUrl,
  CARTWHEEL_ALERT_ON: alertSettingsSchema.shape.on,
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  CLICKHOUSE_URL: z.url().optional(),
  CLICKHOUSE_USER: z.string().optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier').default('cartwheel'),
  /** A sharded warehouse (clickhouse/cluster/): its `<remote_servers>` cluster name. Needs CLICKHOUSE_SHARDS. */
  CLICKHOUSE_CLUSTER: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier').optional(),
  /** The cluster's shards' HTTP URLs in the cluster's shard order, comma-separated; CLICKHOUSE_URL is one of them. */
  CLICKHOUSE_SHARDS: z.string().transform((text) => text.split(',').map((url) => url.trim()).filter(Boolean)).pipe(z.array(z.url()).min(1)).optional(),
  /** How a worker waits for an unavailable warehouse at start: tries in all, and the first back-off. */
  CARTWHEEL_WAREHOUSE_OPEN_ATTEMPTS: z.coerce.number().int().min(1).default(DEFAULT_OPEN_RETRY.attempts),
  CARTWHEEL_WAREHOUSE_OPEN_DELAY_MS: z.coerce.number().int().min(0).default(DEFAULT_OPEN_RETRY.initialDelayMs),
  /** Who the audit log names for this process's loads and migrations (default: the OS user). */
  CARTWHEEL_ACTOR: actorSchema.optional(),
  /** Temporal payload encryption keys (workers/payloadKeys.ts): never printed. */
  ...payloadKeysEnvSchema.shape,
  /** Personal-data encryption and token keys (domain/security/personalDataKeys.ts): never printed. */
  ...personalDataKeysEnvSchema.shape,
});

export interface CartwheelConfig {
  environment: EnvironmentName;
  pipeline: PipelineSettings;
  warehouse: WarehouseConfig;
  /** Retries of opening the warehouse at start (clickhouse/openWithRetry.ts). */
  warehouseOpen: OpenRetryPolicy;
  /** `pinDays`: this worker also polls a queue of its own for the days pinned to it (workflows/dayPinning.ts). */
  temporal: { address: string; namespace: string; taskQueue: string; pinDays: boolean };
  /**
   * The data folder's chDB server (clickhouse/server/localServer.ts), the warehouse when
   * CLICKHOUSE_URL names no other server.
   */
  localServer: LocalServerSettings;
  /** Keys of the payload codec; undefined: histories are plaintext (refused in prod). */
  payloadKeys?: PayloadKeys;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): CartwheelConfig {
  const parsed = environmentSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.CLICKHOUSE_CLUSTER && !(e.CLICKHOUSE_URL && e.CLICKHOUSE_SHARDS)) {
    throw new Error('invalid configuration:\n  CLICKHOUSE_CLUSTER: needs CLICKHOUSE_URL (the server workers use) and CLICKHOUSE_SHARDS (every shard, in the cluster\'s order)');
  }
  if (e.CLICKHOUSE_SHARDS && !e.CLICKHOUSE_CLUSTER) throw new Error('invalid configuration:\n  CLICKHOUSE_SHARDS: needs CLICKHOUSE_CLUSTER, the cluster\'s name in <remote_servers>');
  const payloadKeys = payloadKeysOf(e);
  if (e.CARTWHEEL_ENV === 'prod') {
    const missing: string[] = [];
    // Histories outlive a run and are readable by anyone with namespace access: prod must encrypt them.
    if (!payloadKeys) missing.push('CARTWHEEL_PAYLOAD_KEY: required when CARTWHEEL_ENV=prod (workflow histories must be encrypted)');
    // The development keys are published in the source code: real personal data needs keys of its own.
    if (!e.CARTWHEEL_PII_KEY) missing.push('CARTWHEEL_PII_KEY: required when CARTWHEEL_ENV=prod (personal data must be encrypted with a key of your own)');
    if (!e.CARTWHEEL_PII_TOKEN_KEY) missing.push('CARTWHEEL_PII_TOKEN_KEY: required when CARTWHEEL_ENV=prod (tokens of e-mails and phones need a key of their own)');
    if (missing.length > 0) throw new Error(`invalid configuration:\n  ${missing.join('\n  ')}`);
  }
  // Unset outside prod: the activities use the development keys and say so once.
  const personalData = personalDataKeysOf(e);
  const storage = storageOf(e);
  const dataDir = path.resolve(e.CARTWHEEL_DATA_DIR);
  const settings = loadEnvironment(e.CARTWHEEL_ENV, e.CARTWHEEL_SETTINGS_FILE && path.resolve(e.CARTWHEEL_SETTINGS_FILE));
  return {
    environment: e.CARTWHEEL_ENV,
    pipeline: {
      dataDir,
      workDir: e.CARTWHEEL_WORK_DIR && path.resolve(e.CARTWHEEL_WORK_DIR),
      storage,
      sources: settings.sources,
      partitionBytes: settings.partitionBytes,
      quality: {
        maxQuarantinedShare: e.CARTWHEEL_MAX_QUARANTINED_SHARE,
        maxOrphanShare: e.CARTWHEEL_MAX_ORPHAN_SHARE,
        warnDuplicateShare: e.CARTWHEEL_WARN_DUPLICATE_SHARE,
        warnNullShare: e.CARTWHEEL_WARN_NULL_SHARE,
      },
      qualityChecks: e.CARTWHEEL_QUALITY_CONFIG ? loadQualityConfig(path.resolve(e.CARTWHEEL_QUALITY_CONFIG)) : undefined,
      alerts: alertSettingsSchema.parse({ webhookUrl: e.CARTWHEEL_ALERT_WEBHOOK_URL, on: e.CARTWHEEL_ALERT_ON }),
      personalData,
    },
    warehouse: {
      url: e.CLICKHOUSE_URL,
      user: e.CLICKHOUSE_USER,
      password: e.CLICKHOUSE_PASSWORD,
      database: e.CLICKHOUSE_DATABASE,
      chdbPath: path.resolve(e.CARTWHEEL_CHDB_PATH ?? path.join(dataDir, 'warehouse')),
      ...(e.CLICKHOUSE_CLUSTER && e.CLICKHOUSE_SHARDS && { cluster: { name: e.CLICKHOUSE_CLUSTER, shards: e.CLICKHOUSE_SHARDS } }),
    },
    warehouseOpen: { ...DEFAULT_OPEN_RETRY, attempts: e.CARTWHEEL_WAREHOUSE_OPEN_ATTEMPTS, initialDelayMs: e.CARTWHEEL_WAREHOUSE_OPEN_DELAY_MS },
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.CARTWHEEL_TASK_QUEUE, pinDays: e.CARTWHEEL_PIN_DAYS },
    localServer: { dataDir, database: e.CLICKHOUSE_DATABASE, httpPort: e.CARTWHEEL_CLICKHOUSE_HTTP_PORT, tcpPort: e.CARTWHEEL_CLICKHOUSE_TCP_PORT, s3: storage?.s3 },
    payloadKeys,
  };
}

/** Where landing, staging, quarantine and archive live; S3 access only when one of them is on S3, and then required. */
function storageOf(e: z.infer<typeof environmentSchema>): StorageSettings | undefined {
  const roots = { landing: e.CARTWHEEL_LANDING_URL, staging: e.CARTWHEEL_STAGING_URL, quarantine: e.CARTWHEEL_QUARANTINE_URL, archive: e.CARTWHEEL_ARCHIVE_URL };
  const local = (root?: string) => root && !isS3(root) ? path.resolve(root) : root;
  const onS3 = Object.values(roots).some((root) => root && isS3(root));
  if (onS3 && !(e.CARTWHEEL_S3_ACCESS_KEY_ID && e.CARTWHEEL_S3_SECRET_ACCESS_KEY)) {
    throw new Error('invalid configuration:\n  CARTWHEEL_S3_ACCESS_KEY_ID, CARTWHEEL_S3_SECRET_ACCESS_KEY: required when a CARTWHEEL_*_URL is an s3:// prefix');
  }
  if (!Object.values(roots).some(Boolean)) return undefined;
  return {
    landing: local(roots.landing),
    staging: local(roots.staging),
    quarantine: local(roots.quarantine),
    archive: local(roots.archive),
    s3: onS3 ? { endpoint: e.CARTWHEEL_S3_ENDPOINT, region: e.CARTWHEEL_S3_REGION, accessKeyId: e.CARTWHEEL_S3_ACCESS_KEY_ID!, secretAccessKey: e.CARTWHEEL_S3_SECRET_ACCESS_KEY! } : undefined,
  };
}

/** A one-line description safe for logs: no password, no credentials in URLs. */
export function describeWarehouse(config: WarehouseConfig): string {
  if (!config.url) return `embedded chDB at ${config.chdbPath} database ${config.database}`;
  const cluster = config.cluster ? `, cluster ${config.cluster.name} of ${config.cluster.shards.length} shards` : '';
  return `ClickHouse server ${redactUrl(config.url)} database ${config.database}${config.user ? ` as ${config.user}` : ''}${cluster}`;
}
