import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, sleep, waitFor } from './ports.js';
import { startRedis, type RedisServer } from './redis_server.js';

const run = promisify(execFile);

function logTail(dir: string): string {
  try {
    return readFileSync(join(dir, 'redis.log'), 'utf8').trimEnd().split('\n').slice(-5).join('\n');
  } catch {
    return '(no log)';
  }
}

export interface RedisClusterOptions {
  /** Default 3 (Redis Cluster needs at least 3 masters). */
  masters?: number;
  /** Default 1. */
  replicasPerMaster?: number;
  /** Extra redis-server arguments for every node. */
  args?: string[];
}

export interface ClusterNodeAddress {
  host: string;
  port: number;
}

/** A real Redis Cluster of `masters × (1 + replicasPerMaster)` redis-server processes on loopback. */
export interface RedisCluster {
  /** Every node, masters first as created (roles change after a failover: ask the cluster). */
  readonly nodes: ClusterNodeAddress[];
  /** The node processes, in the order of `nodes`. */
  readonly servers: RedisServer[];
  /** Stops every node and removes their data dirs. */
  stop(): Promise<void>;
}

/** Runs redis-cli against one node and returns its output. */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 30_000 });
  return stdout;
}

/** True once the node reports `cluster_state:ok` and knows `nodes` peers. */
async function nodeSettled(port: number, nodes: number): Promise<boolean> {
  const info = await redisCli(port, 'CLUSTER', 'INFO');
  return info.includes('cluster_state:ok') && new RegExp(`cluster_known_nodes:${nodes}\\b`).test(info);
}

/** True once every master has the expected number of replicas attached and in sync. */
async function replicasSettled(ports: number[], replicasPerMaster: number): Promise<boolean> {
  if (replicasPerMaster === 0) return true;
  const nodes = await redisCli(ports[0]!, 'CLUSTER', 'NODES');
  const lines = nodes.trim().split('\n');
  const masters = lines.filter((line) => / master /.test(line.replace(/myself,/, '')) && !line.includes('fail'));
  const replicas = lines.filter((line) => / slave /.test(line.replace(/myself,/, '')) && line.includes('connected'));
  if (masters.length * replicasPerMaster !== replicas.length) return false;
  for (const port of ports) {
    const info = await redisCli(port, 'INFO', 'replication');
    if (info.includes('role:slave') && !info.includes('master_link_status:up')) return false;
  }
  return true;
}

/**
 * One cluster node on a free port with a free bus port (the default, port + 10000, may be taken or
 * beyond 65535). A port grabbed by another process between the check and the bind gets new ports.
 */
async function startNode(args: string[]): Promise<RedisServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    let busPort = await freePort();
    while (busPort === port) busPort = await freePort();
    try {
      return await startRedis({
        port,
        args: [
          '--cluster-enabled', 'yes',
          '--cluster-port', String(busPort),
          '--cluster-config-file', 'nodes.conf',
          '--cluster-node-timeout', '2000',
          '--appendonly', 'no',
          ...args,
        ],
      });
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/**
 * Starts the nodes with `--cluster-enabled yes` (each in its own temp dir, no persistence), joins
 * them with `redis-cli --cluster create … --cluster-yes`, and waits until every node says
 * `cluster_state:ok` and every replica's link to its master is up.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const masters = options.masters ?? 3;
  const replicasPerMaster = options.replicasPerMaster ?? 1;
  const count = masters * (1 + replicasPerMaster);
  const servers: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    for (let i = 0; i < count; i++) servers.push(await startNode(options.args ?? []));
    const ports = servers.map((server) => server.port);
    await run(
      'redis-cli',
      [
        '--cluster', 'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas', String(replicasPerMaster),
        '--cluster-yes',
      ],
      { timeout: 60_000 },
    );
    for (const port of ports) await waitFor(`cluster_state:ok on port ${port}`, () => nodeSettled(port, count), 30_000);
    await waitFor('replicas in sync', () => replicasSettled(ports, replicasPerMaster), 30_000);
    // A replica that just synced may still be announcing itself; one more beat keeps roles stable.
    await sleep(100);
  } catch (error) {
    // The data dirs (and their logs) go with stop(): keep the end of each log in the error.
    const logs = servers.map((server) => `--- node ${server.port}:\n${logTail(server.dir)}`).join('\n');
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs}`, { cause: error });
  }
  return {
    nodes: servers.map((server) => ({ host: '127.0.0.1', port: server.port })),
    servers,
    stop,
  };
}
