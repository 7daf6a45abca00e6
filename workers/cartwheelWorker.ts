/**
 * Everything a cartwheel worker process holds: the warehouse (migrated) and the Temporal worker
 * polling the task queue with the workflows and activities.
 */
import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Duration } from '@temporalio/common';
import { createActivities, type Activities } from '../activities';
import { openWarehouse, type Warehouse } from '../clickhouse/client';
import { migrate } from '../clickhouse/migrate';
import { openWarehouseWithRetry } from '../clickhouse/openWithRetry';
import { localServer, type LocalServer } from '../clickhouse/server/localServer';
import { describeSqlAccess } from '../clickhouse/server/server';
import type { CartwheelConfig } from './config';
import { cartwheelDataConverter } from './payloadCodec';

export interface WarehouseServices {
  warehouse: Warehouse;
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
  try {
    if (!local) await migrate(warehouse);
    return {
      warehouse,
      local,
      sqlAccess: local && describeSqlAccess(local.server),
      close: async () => {
        await warehouse.close();
        await local?.release();
      },
    };
  } catch (error) {
    await warehouse.close();
    await local?.release();
    throw error;
  }
}

export type WorkerOptions = {
  config: CartwheelConfig;
  connection: NativeConnection;
  /** A prebuilt workflow bundle (tests build it once); otherwise workflows/ is bundled at start. */
  workflowBundle?: WorkflowBundle;
  /**
   * Tests that cancel an activity: cancellation reaches it in a heartbeat answer, and heartbeats are
   * otherwise throttled to 80% of its heartbeat timeout (minutes). Production keeps the SDK default.
   */
  maxHeartbeatThrottleInterval?: Duration;
} & (
  /** Production: the activities over this warehouse, with config.pipeline. */
  | { warehouse: Warehouse }
  /** Tests: the real activities wrapped by a double that fails, delays or observes some of them. */
  | { activities: Activities }
);

/** The one way a cartwheel worker is built: `npm start`, `npm run worker` and every workflow test (test/helpers/productionWorker.ts). */
export function createCartwheelWorker(options: WorkerOptions): Promise<Worker> {
  const { config, connection, workflowBundle, maxHeartbeatThrottleInterval } = options;
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: 'activities' in options ? options.activities : createActivities({ settings: config.pipeline, warehouse: options.warehouse }),
    dataConverter: cartwheelDataConverter(config.payloadKeys),
    // Two cores: four sources ingest in parallel, and the warehouse serialises its own writes.
    maxConcurrentActivityTaskExecutions: 4,
    ...(maxHeartbeatThrottleInterval ? { maxHeartbeatThrottleInterval } : {}),
  });
}
