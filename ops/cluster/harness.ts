/**
 * The scale-out harness (`npm run cluster`, test/faults/cluster.test.ts): a month of generated days
 * loaded by several worker processes into a two-shard ClickHouse cluster, each worker with a scratch
 * folder of its own as if on its own host, and the same days loaded by one worker into one node. Both
 * report the star tables' cityHash checksums (ops/chaos/warehouseChecksums.ts), which must be equal,
 * and how many activities each worker ran (from the workflows' histories). With `killWorker`, one
 * worker is SIGKILLed while it runs a day's file work; the run still completes.
 *
 * Shared storage: the cluster's landing, staging, quarantine and archive are S3 prefixes on a
 * versitygw server (domain/storage.ts), or with `storage: 'folder'` one local folder; quality
 * reports stay in the shared data folder. The single node uses local folders.
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DataLayout } from '../../domain/layout';
import { migrateCluster } from '../../clickhouse/cluster/clusterSchema';
import { starChecksums, type Checksums } from '../chaos/warehouseChecksums';
import { startWorker, type WorkerProcess } from '../chaos/workerProcess';
import { generateDailyExport } from '../generate/sampleData';
import { startVersitygw } from '../../test/helpers/versitygw';
import { startLocalCluster } from './localCluster';

const DATABASE = 'cartwheel';
const BUCKET = 'cartwheel';
const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
const ACTIVITY_STARTED = temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED;

export interface HarnessOptions {
  /** Everything goes under this folder (emptied first). */
  root: string;
  temporalAddress: string;
  namespace?: string;
  /** The days: `days` consecutive dates from `from`, `orders` orders each (seeded: the same bytes every run). */
  from: string;
  days: number;
  orders: number;
  workers: number;
  /**
   * SIGKILL one worker once `killAfterDays` days have loaded (default 0: as soon as one is seen at
   * it), while it runs a day's file work. Loads go one at a time, so a month's file work is done
   * well before its last load: waiting for a third of the days to load found no file work left.
   */
  killWorker: boolean;
  killAfterDays?: number;
  /** The cluster's landing, staging, quarantine and archive: S3 prefixes on versitygw (default), or one shared folder. */
  storage?: 's3' | 'folder';
  log: (line: string) => void;
}

export interface WorkerFigures {
  worker: string;
  pid: number;
  activities: number;
  killed: boolean;
}

export interface RunFigures {
  seconds: number;
  checksums: Checksums;
  workers: WorkerFigures[];
  /** Days whose file work started over on another worker (a lost worker's days). */
  redoneDays: number;
  /** The shard each month's rows live on (1-based), and fact_sales rows per shard: cluster only. */
  shardOfMonth?: Record<string, number>;
  factRowsPerShard?: string;
}

export function businessDates(from: string, days: number): string[] {
  const first = Date.parse(`${from}T00:00:00Z`);
  return Array.from({ length: days }, (_, i) => new Date(first + i * 86_400_000).toISOString().slice(0, 10));
}

async function landDays(dataDir: string, dates: string[], orders: number): Promise<void> {
  const layout = new DataLayout(dataDir);
  for (const [i, businessDate] of dates.entries()) {
    // Few defects: a small day must pass the quality gate (its shares are of few rows).
    await generateDailyExport({ businessDate, orders, seed: 1_000 + i, defectRate: 0.002, outDir: layout.landingDir(businessDate) });
  }
}

/** The days on a cluster of `shards` chDB servers with `options.workers` pinning workers. */
export async function clusterRun(options: HarnessOptions): Promise<RunFigures> {
  const root = path.join(options.root, 'cluster');
  rmSync(root, { recursive: true, force: true });
  const dataDir = path.join(root, 'shared');
  const dates = businessDates(options.from, options.days);
  const gw = (options.storage ?? 's3') === 's3' ? await startVersitygw() : undefined;
  let storageEnv: Record<string, string> = {};
  if (gw) {
    // The exports land on S3 only: generated aside, uploaded, deleted.
    const generated = path.join(root, 'generated');
    await landDays(generated, dates, options.orders);
    await gw.createBucket(BUCKET);
    const landing = path.join(generated, 'landing');
    for (const date of readdirSync(landing)) {
      for (const file of readdirSync(path.join(landing, date))) {
        await gw.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `harness/landing/${date}/${file}`, Body: readFileSync(path.join(landing, date, file)) }));
      }
    }
    rmSync(generated, { recursive: true, force: true });
    storageEnv = {
      ...Object.fromEntries(['landing', 'staging', 'quarantine', 'archive'].map((area) => [`CARTWHEEL_${area.toUpperCase()}_URL`, `s3://${BUCKET}/harness/${area}`])),
      CARTWHEEL_S3_ENDPOINT: gw.endpoint,
      CARTWHEEL_S3_REGION: gw.region,
      CARTWHEEL_S3_ACCESS_KEY_ID: gw.accessKeyId,
      CARTWHEEL_S3_SECRET_ACCESS_KEY: gw.secretAccessKey,
    };
    options.log(`versitygw ${gw.endpoint}: landing, staging, quarantine and archive under s3://${BUCKET}/harness/`);
  } else {
    await landDays(dataDir, dates, options.orders);
  }
  const cluster = await startLocalCluster({ home: path.join(root, 'clickhouse'), filesDir: dataDir, database: DATABASE, s3: gw });
  const workers: WorkerProcess[] = [];
  try {
    await migrateCluster(cluster.config('admin'));
    options.log(`cluster ${cluster.name}: ${cluster.shards.map((s, i) => `shard ${i + 1} ${s.url}`).join(', ')}`);
    const loader = cluster.config('loader');
    const taskQueue = 'cartwheel-cluster';
    // Started together: each waits for its own start line, and they share nothing but the servers.
    const starting = Array.from({ length: options.workers }, (_, index) => {
      const scratch = path.join(root, `worker-${index + 1}`);
      mkdirSync(scratch, { recursive: true });
      return startWorker({
        dataDir, temporalAddress: options.temporalAddress, taskQueue, logDir: scratch,
        env: {
          ...(options.namespace && { TEMPORAL_NAMESPACE: options.namespace }),
          CARTWHEEL_WORK_DIR: path.join(scratch, 'work'),
          CARTWHEEL_PIN_DAYS: 'true',
          CLICKHOUSE_URL: loader.url!,
          CLICKHOUSE_USER: 'loader',
          CLICKHOUSE_PASSWORD: loader.password!,
          CLICKHOUSE_DATABASE: DATABASE,
          CLICKHOUSE_CLUSTER: cluster.name,
          CLICKHOUSE_SHARDS: loader.cluster!.shards.join(','),
          ...storageEnv,
        },
      });
    });
    const started = await Promise.allSettled(starting);
    for (const result of started) if (result.status === 'fulfilled') workers.push(result.value);
    const failedStart = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failedStart) throw failedStart.reason;
    for (const [i, worker] of workers.entries()) {
      options.log(`worker ${i + 1} (pid ${worker.pid}) polling ${taskQueue} and its own queue; scratch ${path.join(root, `worker-${i + 1}`, 'work')}`);
    }
    const figures = await runDays(options, taskQueue, dates, workers);
    const admin = cluster.shards[0].as('admin');
    const shardOfMonth: Record<string, number> = {};
    for (const month of [...new Set(dates.map((d) => d.slice(0, 7)))]) {
      shardOfMonth[month] = 1 + Number(await scalar(admin, `SELECT cityHash64(toUInt32(${Number(month.replace('-', ''))})) % ${cluster.shards.length}`));
    }
    const factRowsPerShard = await scalar(admin, `SELECT arrayStringConcat(groupArray(concat('shard ', toString(shard), ': ', toString(n))), ', ') FROM (SELECT _shard_num AS shard, count() AS n FROM ${DATABASE}.fact_sales GROUP BY shard ORDER BY shard) FORMAT TabSeparatedRaw`);
    return { ...figures, checksums: await starChecksums({ ...admin, database: DATABASE }), shardOfMonth, factRowsPerShard };
  } finally {
    for (const worker of workers) await worker.stop();
    await cluster.stop();
    await gw?.stop();
  }
}

/** The same days on one node: one worker, the data folder's own chDB server, nothing pinned. */
export async function singleNodeRun(options: HarnessOptions): Promise<RunFigures> {
  const root = path.join(options.root, 'single');
  rmSync(root, { recursive: true, force: true });
  const dataDir = path.join(root, 'data');
  const dates = businessDates(options.from, options.days);
  await landDays(dataDir, dates, options.orders);
  const worker = await startWorker({
    dataDir, temporalAddress: options.temporalAddress, taskQueue: 'cartwheel-single', logDir: root,
    env: { ...(options.namespace && { TEMPORAL_NAMESPACE: options.namespace }) },
  });
  try {
    const figures = await runDays({ ...options, killWorker: false }, 'cartwheel-single', dates, [worker]);
    return { ...figures, checksums: await starChecksums(worker.warehouse!) };
  } finally {
    await worker.stop();
  }
}

/** Start every day's dailyLoad at once, strike if asked, wait for all; count each worker's activities. */
async function runDays(options: HarnessOptions, taskQueue: string, dates: string[], workers: WorkerProcess[]): Promise<Omit<RunFigures, 'checksums'>> {
  const connection = await Connection.connect({ address: options.temporalAddress });
  const client = new Client({ connection, namespace: options.namespace ?? 'default' });
  try {
    const started = Date.now();
    const handles = await Promise.all(dates.map((businessDate) => client.workflow.start('dailyLoad', {
      taskQueue, workflowId: `daily-${businessDate}-${taskQueue}`, args: [{ businessDate }], workflowIdConflictPolicy: 'TERMINATE_EXISTING',
    })));
    const results = handles.map((h) => h.result().then(() => 'done', (error: Error) => `failed: ${innermost(error)}`));
    let killed: WorkerProcess | undefined;
    if (options.killWorker) {
      killed = await strike(options, handles, results, workers);
    }
    const outcomes = await Promise.all(results);
    const failed = outcomes.map((o, i) => [dates[i], o]).filter(([, o]) => o !== 'done');
    if (failed.length > 0) throw new Error(`${failed.length} of ${dates.length} days failed: ${failed.map(([d, o]) => `${d} ${o}`).join('; ')}`);
    const seconds = (Date.now() - started) / 1000;
    const { perIdentity, redoneDays } = await activityCounts(client, handles);
    return {
      seconds,
      redoneDays,
      workers: workers.map((w, i) => ({
        worker: `worker ${i + 1}`,
        pid: w.pid,
        activities: [...perIdentity].filter(([identity]) => identity.startsWith(`${w.pid}@`)).reduce((sum, [, n]) => sum + n, 0),
        killed: w === killed,
      })),
    };
  } finally {
    await connection.close();
  }
}

/**
 * SIGKILL a worker mid-run: once `killAfterDays` days have loaded, the first
 * worker seen running a day's file work (ingest, transform, quality, stage), whatever else it runs
 * (a month load, or one waiting for the lock, costs its 1-minute heartbeat timeout besides).
 */
async function strike(options: HarnessOptions, handles: WorkflowHandle[], results: Promise<string>[], workers: WorkerProcess[]): Promise<WorkerProcess | undefined> {
  let finished = 0;
  for (const r of results) void r.then(() => (finished += 1));
  const FILE_WORK = new Set(['ingestSource', 'transformSource', 'checkQuality', 'stageSource']);
  const deadline = Date.now() + 30 * 60_000;
  while (finished < results.length && Date.now() < deadline) {
    if (finished >= (options.killAfterDays ?? 0)) {
      const running = new Map<string, Set<string>>();
      for (const handle of handles) {
        const description = await handle.describe().catch(() => undefined);
        for (const a of description?.raw.pendingActivities ?? []) {
          if (a.state !== STARTED || !a.lastWorkerIdentity) continue;
          const kinds = running.get(a.lastWorkerIdentity) ?? new Set<string>();
          kinds.add(a.activityType?.name ?? '');
          running.set(a.lastWorkerIdentity, kinds);
        }
      }
      const victim = workers.find((w) => {
        const kinds = [...running].filter(([identity]) => identity.startsWith(`${w.pid}@`)).flatMap(([, k]) => [...k]);
        return kinds.some((k) => FILE_WORK.has(k));
      });
      if (victim) {
        await victim.kill('SIGKILL');
        options.log(`SIGKILLed worker ${workers.indexOf(victim) + 1} (pid ${victim.pid}) after ${finished} of ${results.length} days had loaded, while it ran ${[...running].filter(([id]) => id.startsWith(`${victim.pid}@`)).flatMap(([, k]) => [...k]).join(', ')}`);
        return victim;
      }
    }
    await delay(200);
  }
  options.log('no worker was caught running file work: nothing killed');
  return undefined;
}

/** Started activity tasks per worker identity (`pid@host`), and the days that asked for a worker more than once (a redo). */
async function activityCounts(client: Client, handles: WorkflowHandle[]): Promise<{ perIdentity: Map<string, number>; redoneDays: number }> {
  const perIdentity = new Map<string, number>();
  let redoneDays = 0;
  for (const handle of handles) {
    const history = await client.workflow.getHandle(handle.workflowId).fetchHistory();
    let askedForWorker = 0;
    for (const event of history.events ?? []) {
      if (event.activityTaskScheduledEventAttributes?.activityType?.name === 'workerTaskQueue') askedForWorker += 1;
      if (event.eventType !== ACTIVITY_STARTED) continue;
      const identity = event.activityTaskStartedEventAttributes?.identity ?? '?';
      perIdentity.set(identity, (perIdentity.get(identity) ?? 0) + 1);
    }
    if (askedForWorker > 1) redoneDays += 1;
  }
  return { perIdentity, redoneDays };
}

async function scalar(connection: { url: string; username: string; password: string }, query: string): Promise<string> {
  const response = await fetch(`${connection.url}/?query=${encodeURIComponent(query)}`, {
    headers: { 'X-ClickHouse-User': connection.username, 'X-ClickHouse-Key': connection.password },
  });
  if (!response.ok) throw new Error(`${query}: HTTP ${response.status}`);
  return (await response.text()).trim();
}

function innermost(error: Error): string {
  let inner = error as Error & { cause?: unknown };
  while (inner.cause instanceof Error) inner = inner.cause as Error & { cause?: unknown };
  return inner.message;
}
