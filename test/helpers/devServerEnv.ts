/** The Temporal dev server, started by the project's own launcher on free ports, with a client and a worker connection. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../../ops/stack/devServer';
import { freePort } from '../../ops/stack/freePort';
import { ensureTemporalCli } from '../../ops/tools/provision';
import { tempDir } from './tempDirs';

export interface DevServerEnv {
  server: DevServer;
  connection: Connection;
  /** For workers. */
  nativeConnection: NativeConnection;
  client: Client;
  teardown(): Promise<void>;
}

export async function devServerEnv(): Promise<DevServerEnv> {
  const server = await startDevServer({ cliPath: await ensureTemporalCli(() => {}), port: await freePort(), uiPort: await freePort(), runDir: tempDir('temporal') });
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  return {
    server,
    connection,
    nativeConnection,
    client: new Client({ connection }),
    async teardown() {
      await nativeConnection.close();
      await connection.close();
      await server.stop();
    },
  };
}
