/**
 * The Temporal dev server, started by the project's own launcher on free ports, with a client and a
 * worker connection. Under `npm test` every file shares the run's server (started by
 * test/helpers/sharedServers.ts, CARTWHEEL_TEST_TEMPORAL_ADDRESS) in a namespace of its own, with
 * cartwheel's search attributes, so files running at the same time never see each other's
 * workflows or schedules. `npx mocha FILE` starts a server for the file and stops it at teardown.
 */
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { NativeConnection } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startDevServer, type DevServer } from '../../ops/stack/devServer';
import { freePort } from '../../ops/stack/freePort';
import { registerSearchAttributes } from '../../ops/stack/searchAttributes';
import { ensureTemporalCli } from '../../ops/tools/provision';
import { tempDir } from './tempDirs';

export const SHARED_TEMPORAL_ENV = 'CARTWHEEL_TEST_TEMPORAL_ADDRESS';

export interface DevServerEnv {
  address: string;
  namespace: string;
  connection: Connection;
  /** For workers. */
  nativeConnection: NativeConnection;
  /** A client of this file's namespace. */
  client: Client;
  teardown(): Promise<void>;
}

export async function devServerEnv(): Promise<DevServerEnv> {
  const shared = process.env[SHARED_TEMPORAL_ENV];
  const own = shared ? undefined : await startTestDevServer();
  const address = shared ?? own!.address;
  const connection = await Connection.connect({ address });
  let namespace = 'default';
  if (shared) {
    namespace = `test-${randomUUID()}`;
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    await registerSearchAttributes(connection, namespace);
  }
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    namespace,
    connection,
    nativeConnection,
    client: new Client({ connection, namespace }),
    async teardown() {
      await nativeConnection.close();
      await connection.close();
      await own?.stop();
    },
  };
}

/**
 * A dev server on free ports (cartwheel's search attributes in `default`). Also killed when this
 * process exits without stopping it (a stopped `npm test`): the server does not watch its parent.
 */
export async function startTestDevServer(): Promise<DevServer> {
  const port = await freePort();
  const runDir = tempDir('temporal');
  const server = await startDevServer({ cliPath: await ensureTemporalCli(() => {}), port, uiPort: await freePort(), runDir });
  // The launcher's pid file: `<server pid> <parent pid>` (ops/stack/devServer.ts).
  const pidFile = path.join(runDir, `temporal-dev-${port}.pid`);
  const pid = Number(readFileSync(pidFile, 'utf8').split(/\s+/)[0]);
  process.once('exit', () => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // stopped already
    }
  });
  return server;
}
