/**
 * Everything a cartwheel worker process holds: the warehouse (migrated), the SQL gateway to the
 * embedded engine, and the Temporal worker polling the task queue with the workflows and activities.
 */
import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import path from 'node:path';
import { createActivities } from '../activities';
import type { Warehouse } from '../clickhouse/client';
import { migrate } from '../clickhouse/migrate';
import { openWarehouseWithRetry } from '../clickhouse/openWithRetry';
import { startSqlGateway, type SqlGateway } from '../clickhouse/sqlGateway';
import type { CartwheelConfig } from './config';
import { cartwheelDataConverter } from './payloadCodec';

export interface WarehouseServices {
  warehouse: Warehouse;
  gateway?: SqlGateway;
  close(): Promise<void>;
}

/** Where a running worker announces its SQL gateway for `npm run sql`. */
export function gatewayStateFile(dataDir: string): string {
  return path.join(dataDir, 'run', 'sql-gateway.json');
}

/**
 * Open (waiting out a short outage) and migrate the warehouse; in embedded mode also serve it to
 * other processes. A warehouse that stays unavailable fails the start: a worker without one would
 * poll for work it cannot do, while its runs wait safely in Temporal for a worker that has one.
 */
export async function openWarehouseServices(config: CartwheelConfig): Promise<WarehouseServices> {
  const warehouse = await openWarehouseWithRetry(config.warehouse, config.warehouseOpen);
  try {
    await migrate(warehouse);
    const gateway = warehouse.mode === 'embedded'
      ? await startSqlGateway(warehouse, config.gatewayPort, gatewayStateFile(config.pipeline.dataDir))
      : undefined;
    return {
      warehouse,
      gateway,
      close: async () => {
        await gateway?.close();
        await warehouse.close();
      },
    };
  } catch (error) {
    await warehouse.close();
    throw error;
  }
}

export interface WorkerOptions {
  config: CartwheelConfig;
  connection: NativeConnection;
  warehouse: Warehouse;
  /** A prebuilt workflow bundle (tests build it once); otherwise workflows/ is bundled at start. */
  workflowBundle?: WorkflowBundle;
}

export function createCartwheelWorker({ config, connection, warehouse, workflowBundle }: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({ settings: config.pipeline, warehouse }),
    dataConverter: cartwheelDataConverter(config.payloadKeys),
    // Two cores: four sources ingest in parallel, and the warehouse serialises its own writes.
    maxConcurrentActivityTaskExecutions: 4,
  });
}
