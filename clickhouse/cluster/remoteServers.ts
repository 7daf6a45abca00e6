/**
 * The `<remote_servers>` section of a cluster's servers (every shard gets the same one): the cluster
 * of all shards, which the Distributed tables read, and one cluster per shard, which a load's
 * replicated-table copy reads from and each shard's replicated tables read through (cluster.ts).
 *
 * Interserver queries authenticate with the cluster's `<secret>`: a shard runs a query from another
 * as the user who sent it, with that user's grants, so the analyst stays read-only everywhere and no
 * password is written into the configuration. Every shard must have the same users (clickhouse/server/usersXml.ts).
 */
import { singleShardCluster } from './cluster';

export interface ClusterMembership {
  name: string;
  /** Shared by every shard; never logged (it lets a shard act as any user on the others). */
  secret: string;
  /** Each shard's native-protocol address, in the cluster's shard order. */
  shards: { host: string; tcpPort: number }[];
}

export function remoteServersXml(cluster: ClusterMembership): string {
  const shard = ({ host, tcpPort }: ClusterMembership['shards'][number]) =>
    `<shard><replica><host>${escapeXml(host)}</host><port>${tcpPort}</port></replica></shard>`;
  const clusterXml = (name: string, shards: ClusterMembership['shards']) =>
    `    <${name}><secret>${escapeXml(cluster.secret)}</secret>${shards.map(shard).join('')}</${name}>`;
  return [
    '  <remote_servers>',
    clusterXml(cluster.name, cluster.shards),
    ...cluster.shards.map((s, index) => clusterXml(singleShardCluster(cluster.name, index), [s])),
    '  </remote_servers>',
  ].join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
