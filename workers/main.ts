/**
 * A standalone worker process (`npm run worker`): connects to the Temporal server named by
 * TEMPORAL_ADDRESS, opens the warehouse and polls the task queue until SIGINT or SIGTERM.
 */
import { NativeConnection } from '@temporalio/worker';
import { describeWarehouse, loadConfig } from './config';
import { createCartwheelWorker, openWarehouseServices, ownTaskQueue } from './cartwheelWorker';
import { describePayloadProtection } from './payloadCodec';

async function main(): Promise<void> {
  const config = loadConfig();
  const services = await openWarehouseServices(config);
  try {
    const connection = await connectTemporal(config.temporal.address);
    try {
      const own = ownTaskQueue(config);
      const workers = [await createCartwheelWorker({ config, connection, warehouse: services.warehouse, cluster: services.cluster, ownTaskQueue: own })];
      // Pinning days: a second worker in this process polls its own queue, for the days pinned to it.
      if (own) workers.push(await createCartwheelWorker({ config, connection, warehouse: services.warehouse, cluster: services.cluster, ownTaskQueue: own, pinnedOnly: true }));
      console.log(`worker polling ${config.temporal.taskQueue}${own ? ` and its own ${own}` : ''} on ${config.temporal.address}; warehouse: ${describeWarehouse(config.warehouse)}`);
      console.log(describePayloadProtection(config.payloadKeys));
      if (services.sqlAccess) console.log(services.sqlAccess);
      // The SDK shuts the workers down gracefully on SIGINT/SIGTERM; run() resolves when each is done.
      await Promise.all(workers.map((worker) => worker.run()));
    } finally {
      await connection.close();
    }
  } finally {
    await services.close();
  }
}

/** The SDK's error for a server that does not answer is a raw tonic::transport::Error: say what to do. */
async function connectTemporal(address: string): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address });
  } catch (error) {
    const text = String((error as Error).message);
    const cause = /Connection refused|timed out|dns error|No route to host|Connection reset/i.exec(text)?.[0] ?? text.split('\n')[0].slice(0, 200);
    throw new Error(`Temporal at ${address} does not answer (${cause}): start the stack with npm start (it runs a worker of its own), `
      + 'or start a Temporal server and set TEMPORAL_ADDRESS to it, then npm run worker again');
  }
}

main().catch((error: Error) => {
  console.error(`worker failed: ${error.message}`);
  process.exit(1);
});
