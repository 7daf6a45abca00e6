/**
 * chDB binds one data folder per process, so every test in the mocha process shares one embedded
 * warehouse. Tests that need an empty warehouse call freshWarehouse(), which drops and re-migrates
 * the database (tests run one at a time).
 */
import path from 'node:path';
import { openWarehouse, type Warehouse } from '../../clickhouse/client';
import { migrate } from '../../clickhouse/migrate';
import { tempDir } from './tempDirs';

const DATABASE = 'cartwheel_test';
let shared: Promise<Warehouse> | undefined;

export function testWarehouse(): Promise<Warehouse> {
  shared ??= openWarehouse({ database: DATABASE, chdbPath: path.join(tempDir('chdb'), 'warehouse') });
  return shared;
}

export async function freshWarehouse(): Promise<Warehouse> {
  const warehouse = await testWarehouse();
  await warehouse.client.command({ query: `DROP DATABASE IF EXISTS ${DATABASE}` });
  await warehouse.client.command({ query: `CREATE DATABASE ${DATABASE}` });
  await warehouse.client.command({ query: `USE ${DATABASE}` });
  await migrate(warehouse);
  return warehouse;
}

/** Run a query and return its rows, with 64-bit integers as numbers whatever the engine. */
export async function rows<T = Record<string, unknown>>(warehouse: Warehouse, query: string, query_params?: Record<string, unknown>): Promise<T[]> {
  const result = await warehouse.client.query({ query, query_params, format: 'JSONEachRow' });
  return result.json<T>();
}

export async function scalar(warehouse: Warehouse, query: string, query_params?: Record<string, unknown>): Promise<number> {
  const [row] = await rows<Record<string, number | string>>(warehouse, query, query_params);
  return Number(Object.values(row)[0]);
}
