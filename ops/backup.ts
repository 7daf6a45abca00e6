/**
 * `npm run backup -- --to DIR` writes every warehouse table to Parquet with a checksummed manifest;
 * `npm run backup -- --restore DIR` puts a backup back into the (migrated) warehouse and verifies
 * every table against the manifest before swapping them all in: all or nothing (see
 * ops/backup/restoreWarehouse.ts). Embedded warehouse only (see ops/backup/backupWarehouse.ts).
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../workers/config';
import { backupWarehouse } from './backup/backupWarehouse';
import { restoreWarehouse } from './backup/restoreWarehouse';
import { opsWarehouse } from './stack/warehouseClient';

const argsSchema = z.object({ to: z.string().min(1).optional(), restore: z.string().min(1).optional() })
  .refine((a) => (a.to === undefined) !== (a.restore === undefined), 'exactly one of --to and --restore');

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { to: { type: 'string' }, restore: { type: 'string' } } });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error('usage: npm run backup -- --to DIR   |   npm run backup -- --restore DIR');
    return 2;
  }
  const config = loadConfig();
  if (config.warehouse.url) {
    console.error('backups are written by the embedded warehouse; with CLICKHOUSE_URL use the server\'s own BACKUP command');
    return 2;
  }
  const warehouse = await opsWarehouse(config);
  const progress = (table: string, rows: number) => console.log(`  ${table}: ${rows} rows`);
  try {
    if (parsed.data.to) {
      const dir = path.resolve(parsed.data.to);
      const manifest = await backupWarehouse(warehouse.client, dir, progress);
      console.log(`backed up ${manifest.tables.length} tables from ${warehouse.where} to ${dir}`);
    } else {
      const dir = path.resolve(parsed.data.restore!);
      const manifest = await restoreWarehouse(warehouse.client, dir, progress);
      console.log(`restored ${manifest.tables.length} tables into ${warehouse.where}; every table matches the backup's checksums`);
    }
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  } finally {
    await warehouse.close();
  }
}

main().then((code) => process.exit(code), (error: Error) => {
  console.error(`npm run backup failed: ${error.message}`);
  process.exit(1);
});
