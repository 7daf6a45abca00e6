/**
 * Everything a cartwheel worker process holds: the warehouse (migrated) and the Temporal worker
 * polling the task queue with the workflows and activities.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Duration } from '@temporalio/common';
import { createActivities, type Activities } from '../activities';
import { openWarehouse, type Warehouse } from '../clickhouse/client';
import { openCluster, type ClusterWarehouse } from '../clickhouse/cluster/cluster';
import { migrateCluster } from '../clickhouse/cluster/clusterSchema';
import { migrate } from '../clickhouse/migrate';
import { openWarehouseWithRetry } from '../clickhouse/openWithRetry';
import { localServer, type LocalServer } from '../clickhouse/server/localServer';
import { describeSqlAccess } from '../clickhouse/server/server';
import type { CartwheelConfig } from './config';
import { cartwheelDataConverter } from './payloadCodec';

export interface WarehouseServices {
  warehouse: Warehouse;
  /** A sharded warehouse's shards, where the month loads run (CLICKHOUSE_CLUSTER). */
  cluster?: ClusterWarehouse;
  /** The data folder's chDB server, when the warehouse is that one (no CLICKHOUSE_URL). */
  local?: LocalServer;
  /** For the log: where SQL clients connect to that server (never a password). */
  sqlAccess?: string;
  close(): Promise<void>;
}

/**
 * Open (waiting out a short outage) and migrate the warehouse. Without CLICKHOUSE_URL it is the
 * data folder's chDB server (started here when none runs): migrated as its admin, used as its
 * loader. Its address becomes config.warehouse, for what logs it. A warehouse that stays unavailable
 * fails the start: a worker without one would poll for work it cannot do, while its runs wait safely
 * in Temporal for a worker that has one.
 */
export async function openWarehouseServices(config: CartwheelConfig): Promise<WarehouseServices> {
  let local: LocalServer | undefined;
  if (!config.warehouse.url) {
    local = await localServer(config.localServer);
    try {
      const admin = await openWarehouse(local.config('admin'));
      try {
        await migrate(admin);
      } finally {
        await admin.close();
      }
    } catch (error) {
      await local.release();
      throw error;
    }
    config.warehouse = local.config('loader');
  }
  const warehouse = await openWarehouseWithRetry(config.warehouse, config.warehouseOpen).catch(async (error: unknown) => {
    await local?.release();
    throw error;
  });
  let cluster: ClusterWarehouse | undefined;
  try {
    if (config.warehouse.cluster) {
      await migrateCluster(config.warehouse);
      cluster = await openCluster(config.warehouse);
    } else if (!local) {
      await migrate(warehouse);
    }
    return {
      warehouse,
      cluster,
      local,
      sqlAccess: local && describeSqlAccess(local.server),
      close: async () => {
        await cluster?.close();
        await warehouse.close();
        await local?.release();
      },
    };
  } catch (error) {
    await cluster?.close();
    await warehouse.close();
    await local?.release();
    throw error;
  }
}

export type WorkerOptions = {
  config: CartwheelConfig;
  /**
   * This process's own task queue when it pins days (ownTaskQueue()): the activities tell workflows
   * its name, and `pinnedOnly` builds the second worker of the process, polling only that queue.
   */
  ownTaskQueue?: string;
  pinnedOnly?: boolean;
  connection: NativeConnection;
  /** A prebuilt workflow bundle (tests build it once); otherwise workflows/ is bundled at start. */
  workflowBundle?: WorkflowBundle;
  /**
   * Tests that cancel an activity: cancellation reaches it in a heartbeat answer, and heartbeats are
   * otherwise throttled to 80% of its heartbeat timeout (minutes). Production keeps the SDK default.
   */
  maxHeartbeatThrottleInterval?: Duration;
} & (
  /** Production: the activities over this warehouse (and cluster, when sharded), with config.pipeline. */
  | { warehouse: Warehouse; cluster?: ClusterWarehouse }
  /** Tests: the real activities wrapped by a double that fails, delays or observes some of them. */
  | { activities: Activities }
);

/**
 * The task queue of this process alone, when it pins days (CARTWHEEL_PIN_DAYS): unique per start, so
 * a restarted worker never takes the pinned tasks of the one that died (its scratch files went with
 * it; the workflow redoes such a day elsewhere once the tasks' schedule-to-start timeout passes).
 */
export function ownTaskQueue(config: CartwheelConfig): string | undefined {
  if (!config.temporal.pinDays) return undefined;
  return `${config.temporal.taskQueue}@${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

const PINNED_ACTIVITY_SLOTS = 64;

/** The one way a cartwheel worker is built: `npm start`, `npm run worker` and every workflow test (test/helpers/productionWorker.ts). */
export function createCartwheelWorker(options: WorkerOptions): Promise<Worker> {
  const { config, connection, workflowBundle, maxHeartbeatThrottleInterval, ownTaskQueue, pinnedOnly } = options;
  if (pinnedOnly && !ownTaskQueue) throw new Error('a pinned-only worker needs its own task queue');
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: pinnedOnly ? ownTaskQueue! : config.temporal.taskQueue,
    // The pinned worker runs activities only: workflows stay on the shared queue.
    ...(pinnedOnly ? {} : workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: 'activities' in options ? options.activities : createActivities({ settings: config.pipeline, warehouse: options.warehouse, cluster: options.cluster, ownTaskQueue }),
    dataConverter: cartwheelDataConverter(config.payloadKeys),
    // Two cores: four sources ingest in parallel, and the warehouse serialises its own writes. The
    // pinned queue takes every task of the days pinned here at once: a task waiting for a slot would
    // pass its schedule-to-start timeout and pass for a lost worker (its slots mostly wait on the engine).
    maxConcurrentActivityTaskExecutions: pinnedOnly ? PINNED_ACTIVITY_SLOTS : 4,
    ...(maxHeartbeatThrottleInterval ? { maxHeartbeatThrottleInterval } : {}),
  });
}
