/**
 * Holds an embedded warehouse folder open, as a second worker or a forgotten `npm start` would, until
 * SIGTERM: the warehouse-unreachable fault's "folder locked" case. Usage: warehouseHolder.ts <chdbPath>
 */
import { openWarehouse } from '../../clickhouse/client';
import { migrate } from '../../clickhouse/migrate';

async function main(): Promise<void> {
  const warehouse = await openWarehouse({ database: 'cartwheel', chdbPath: process.argv[2] });
  // chDB takes the folder's lock (its `status` file) on first storage use, as a worker's migration does.
  await migrate(warehouse);
  console.log('holding the warehouse folder');
  // A pending promise alone does not keep Node running: the interval does, until SIGTERM.
  const alive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  clearInterval(alive);
  await warehouse.close();
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`holder failed: ${error.message}`);
    process.exit(1);
  },
);
