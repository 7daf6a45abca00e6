/**
 * A standalone worker process (`npm run worker`): connects to the Temporal server named by
 * TEMPORAL_ADDRESS, opens the warehouse and polls the task queue until SIGINT or SIGTERM.
 */
import { NativeConnection } from '@temporalio/worker';
import { describeWarehouse, loadConfig } from './config';
import { createCartwheelWorker, openWarehouseServices } from './cartwheelWorker';
import { describePayloadProtection } from './payloadCodec';

async function main(): Promise<void> {
  const config = loadConfig();
  const services = await openWarehouseServices(config);
  try {
    const connection = await NativeConnection.connect({ address: config.temporal.address });
    try {
      const worker = await createCartwheelWorker({ config, connection, warehouse: services.warehouse });
      console.log(`worker polling ${config.temporal.taskQueue} on ${config.temporal.address}; warehouse: ${describeWarehouse(config.warehouse)}`);
      console.log(describePayloadProtection(config.payloadKeys));
      if (services.gateway) console.log(`SQL gateway for npm run sql: ${services.gateway.url}`);
      // The SDK shuts the worker down gracefully on SIGINT/SIGTERM; run() resolves when it is done.
      await worker.run();
    } finally {
      await connection.close();
    }
  } finally {
    await services.close();
  }
}

main().catch((error: Error) => {
  console.error(`worker failed: ${error.message}`);
  process.exit(1);
});
