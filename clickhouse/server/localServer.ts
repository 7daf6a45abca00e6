/**
 * The data folder's own ClickHouse server: the chDB server in `<data folder>/clickhouse/`, used when
 * CLICKHOUSE_URL names no other server. A process that needs it (npm start, a worker, npm run sql)
 * uses the one already running on the folder, or starts it and then owns it: it stops the server
 * when done, and the server stops by itself if that process dies.
 */
import path from 'node:path';
import type { WarehouseConfig } from '../client';
import { writeS3Collection, type S3Credentials } from '../s3Collection';
import type { ServerUser } from './credentials';
import { isAlive } from './provision';
import { runningChdbServer, startChdbServer, type ChdbServer } from './server';

export interface LocalServerSettings {
  /** The pipeline's data folder: the server's user_files_path; the server lives in its `clickhouse/`. */
  dataDir: string;
  database: string;
  httpPort: number;
  tcpPort: number;
  /** With storage on S3: the credentials of the server's named collection (clickhouse/s3Collection.ts). Never logged. */
  s3?: S3Credentials;
}

export interface LocalServer {
  server: ChdbServer;
  /** This process started it (and stops it in release()). */
  owned: boolean;
  /** The warehouse configuration of one of its users. */
  config(user: ServerUser): WarehouseConfig;
  /** Stop the server if this process started it. */
  release(): Promise<void>;
}

export const localServerHome = (dataDir: string) => path.join(dataDir, 'clickhouse');

export async function localServer(settings: LocalServerSettings): Promise<LocalServer> {
  const home = localServerHome(settings.dataDir);
  let server = await runningChdbServer(home);
  if (server && !isAlive(server.starter)) {
    // Its starter died; it is stopping by itself (within a second): wait, then start a new one.
    for (let waited = 0; isAlive(server.pid) && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    server = undefined;
  }
  const owned = !server;
  // Read at start: a server already running keeps the collection it started with.
  if (!server) writeS3Collection(home, settings.s3);
  server ??= await startChdbServer({ home, filesDir: settings.dataDir, databases: [settings.database], httpPort: settings.httpPort, tcpPort: settings.tcpPort });
  const running = server;
  return {
    server: running,
    owned,
    // Its user_files_path is the data folder: staged Parquet reaches it by path, not over HTTP.
    config: (user) => ({ url: running.url, user, password: running.credentials[user], database: settings.database, chdbPath: '', sharedFiles: true }),
    release: async () => {
      if (owned) await running.stop();
    },
  };
}
