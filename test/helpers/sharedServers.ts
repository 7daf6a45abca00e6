/**
 * Servers shared by every file of one `npm test` run (mocha global fixtures; the test script loads
 * this file with --require, `npx mocha FILE` does not): the chDB ClickHouse server and the Temporal
 * dev server are started once, before mocha's parallel workers fork, and reached by the workers
 * through the environment they inherit. Each file keeps to itself on them: a database of its own
 * on the chDB server (test/helpers/warehouse.ts), a namespace of its own on the dev server
 * (test/helpers/devServerEnv.ts). The Java time-skipping server is not here: its clock is global,
 * so each file has its own (test/helpers/timeSkippingEnv.ts).
 */
import type { ChdbServer } from '../../clickhouse/server/server';
import type { DevServer } from '../../ops/stack/devServer';
import { SHARED_TEMPORAL_ENV, startTestDevServer } from './devServerEnv';
import { removeInBackground, SHARED_TEMP_ROOT_ENV, tempRoot } from './tempDirs';
import { SHARED_CHDB_SERVER_ENV, startTestServer } from './warehouse';

let chdb: ChdbServer | undefined;
let temporal: DevServer | undefined;
let root: string | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  // Created by this process, so removed by it at exit too; the workers only make folders inside.
  root = tempRoot();
  [chdb, temporal] = await Promise.all([startTestServer(), startTestDevServer()]);
  process.env[SHARED_TEMP_ROOT_ENV] = root;
  process.env[SHARED_CHDB_SERVER_ENV] = chdb.home;
  process.env[SHARED_TEMPORAL_ENV] = temporal.address;
}

export async function mochaGlobalTeardown(): Promise<void> {
  await Promise.all([chdb?.stop(), temporal?.stop()]);
  if (root) removeInBackground(root);
}
