/**
 * A two-shard (or n-shard) ClickHouse cluster on this machine: one chDB server per shard, each with
 * its own folder and ports, the same users and passwords (interserver queries run as the sending
 * user, clickhouse/cluster/remoteServers.ts) and the same `<remote_servers>`. For the harness and
 * its test; on real machines each shard is a ClickHouse server of its own (docs/deployment.md).
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WarehouseConfig } from '../../clickhouse/client';
import { shardDatabase } from '../../clickhouse/cluster/cluster';
import { writeS3Collection, type S3Credentials } from '../../clickhouse/s3Collection';
import { credentialsFile, loadOrCreateCredentials, type ServerUser } from '../../clickhouse/server/credentials';
import { startChdbServer, type ChdbServer } from '../../clickhouse/server/server';
import { freePort } from '../stack/freePort';

export interface LocalCluster {
  name: string;
  shards: ChdbServer[];
  /** The warehouse configuration of one user: the first shard for everything, the cluster for loads. */
  config(user: ServerUser): WarehouseConfig;
  stop(): Promise<void>;
}

/** `s3`: the credentials of the shared storage's S3 prefixes, for every shard's s3() calls (clickhouse/s3Collection.ts). */
export async function startLocalCluster(options: { home: string; filesDir: string; database: string; name?: string; shards?: number; s3?: S3Credentials }): Promise<LocalCluster> {
  const name = options.name ?? 'cartwheel';
  const count = options.shards ?? 2;
  const homes = Array.from({ length: count }, (_, i) => path.join(options.home, `shard-${i + 1}`));
  // One set of passwords and one interserver secret for the whole cluster, mode 0600 like the rest.
  loadOrCreateCredentials(homes[0]);
  for (const home of homes.slice(1)) {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    copyFileSync(credentialsFile(homes[0]), credentialsFile(home));
  }
  if (options.s3) for (const home of homes) writeS3Collection(home, options.s3);
  const secret = clusterSecret(options.home);
  const ports = await Promise.all(homes.map(async () => ({ http: await freePort(), tcp: await freePort() })));
  const membership = { name, secret, shards: ports.map((p) => ({ host: '127.0.0.1', tcpPort: p.tcp })) };
  const shards: ChdbServer[] = [];
  try {
    for (const [i, home] of homes.entries()) {
      shards.push(await startChdbServer({
        home, filesDir: options.filesDir, databases: [options.database, shardDatabase(options.database)],
        httpPort: ports[i].http, tcpPort: ports[i].tcp, cluster: membership,
      }));
    }
  } catch (error) {
    for (const shard of shards) await shard.stop();
    throw error;
  }
  return {
    name,
    shards,
    config: (user) => ({
      url: shards[0].url, user, password: shards[0].credentials[user], database: options.database, chdbPath: '',
      cluster: { name, shards: shards.map((s) => s.url) },
    }),
    async stop() {
      for (const shard of shards) await shard.stop();
    },
  };
}

function clusterSecret(home: string): string {
  const file = path.join(home, 'cluster-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const secret = randomBytes(24).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
