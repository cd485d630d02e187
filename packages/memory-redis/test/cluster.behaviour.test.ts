import dc from 'node:diagnostics_channel';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { redisCli, sleep, startRedisCluster, waitFor, type RedisCluster } from '@engram/test-servers';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConnectionManager, RedisMemory } from '../src/index.js';
import { toMemoryError } from '../src/redis_errors.js';
import { clusterKeysUnder, nodeKeysUnder } from './cluster_test_support.js';
import { uniquePrefix } from './redis_test_support.js';

/*
 * RedisMemory on a real 3-master, 3-replica cluster this file starts: where keys land, how many
 * commands reach which node, clear()/getStats() across masters, error mapping, and a failover.
 * The failover runs last: it changes which node is master.
 */
let cluster: RedisCluster;
let client: Cluster;

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
  client = new Cluster(cluster.nodes, { redisOptions: { connectionName: 'engram-test' } });
  await client.ping();
}, 120_000);

afterAll(async () => {
  await client?.quit().catch(() => client.disconnect());
  await cluster?.stop();
});

const nodeOf = (port: number) => new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, lazyConnect: true });

/**
 * Per node: how many times each command a client sends for a load or save ran (INFO commandstats).
 * Replicas apply a script's effects (SET, ZADD…), never the EVALSHA, so these count client requests only.
 */
async function commandCounts(): Promise<Map<number, Record<string, number>>> {
  const counts = new Map<number, Record<string, number>>();
  for (const { port } of cluster.nodes) {
    const info = await redisCli(port, 'INFO', 'commandstats');
    const perCommand: Record<string, number> = {};
    for (const match of info.matchAll(/^cmdstat_(evalsha|eval|mget|get):calls=(\d+)/gm)) perCommand[match[1]!] = Number(match[2]);
    counts.set(port, perCommand);
  }
  return counts;
}

/** The nodes on which `action` ran data commands, with how many of each. */
async function commandsPerNode(action: () => Promise<unknown>): Promise<Array<[number, Record<string, number>]>> {
  const before = await commandCounts();
  await action();
  const after = await commandCounts();
  const changed: Array<[number, Record<string, number>]> = [];
  for (const [port, counts] of after) {
    const delta: Record<string, number> = {};
    for (const [name, calls] of Object.entries(counts)) {
      const d = calls - (before.get(port)?.[name] ?? 0);
      if (d !== 0) delta[name] = d;
    }
    if (Object.keys(delta).length > 0) changed.push([port, delta]);
  }
  return changed;
}

/** The port of the master serving `key`'s slot, from the cluster's own slot table. */
async function masterOf(key: string): Promise<number> {
  const slot = (await client.cluster('KEYSLOT', key)) as number;
  const slots = await client.cluster('SLOTS');
  return slots.find(([from, to]) => slot >= from && slot <= to)![2]![1];
}

const sent: string[] = [];
const channel = dc.tracingChannel<{ command: string }>('ioredis:command');
const recorder = { start: (message: { command: string }) => void sent.push(message.command.toLowerCase()) };

describe('RedisMemory on a Redis Cluster', () => {
  it('keeps every key of a context, however tricky its id, in one slot on one master', async () => {
    const store = new RedisMemory({ client, keyPrefix: uniquePrefix('slot') });
    const contexts = ['plain', 'a{b}c', '{}', '}{', 'with:colon*and?glob', 'ünï©ødé 🙂'];
    try {
      for (const ctx of contexts) await store.bulkSave({ a: 1, 'b{x}': 2, '}c': 3, 'd:*': 4 }, ctx);
      const byContext = new Map<string, string[]>();
      for (const key of await clusterKeysUnder(client, store.keyPrefix)) {
        const tag = key.slice(key.indexOf('{'), key.indexOf('}') + 1);
        byContext.set(tag, [...(byContext.get(tag) ?? []), key]);
      }
      expect(byContext.size).toBe(contexts.length);
      const masters = client.nodes('master');
      for (const keys of byContext.values()) {
        expect(keys).toHaveLength(5); // 4 values + the index
        const slots = new Set(await Promise.all(keys.map((key) => client.cluster('KEYSLOT', key))));
        expect(slots.size).toBe(1);
        const holders = await Promise.all(masters.map(async (node) => (await nodeKeysUnder(node, store.keyPrefix)).filter((k) => keys.includes(k)).length));
        expect(holders.filter((n) => n > 0)).toEqual([5]);
      }
    } finally {
      await store.clear();
      await store.close();
    }
  });

  it('bulkSave and bulkLoad of 100 entries are one command each, run on one master', async () => {
    const store = new RedisMemory({ client, keyPrefix: uniquePrefix('rt') });
    const entries = new Map(Array.from({ length: 100 }, (_, i) => [`key-${i}`, { i }]));
    try {
      await store.bulkSave({ warm: 1 }, 'ctx'); // the script is loaded on that master (NOSCRIPT → EVAL) once
      channel.subscribe(recorder as never);
      sent.length = 0;
      const saves = await commandsPerNode(() => store.bulkSave(entries, 'ctx'));
      expect(sent).toEqual(['evalsha']);
      sent.length = 0;
      let loaded: Record<string, unknown> = {};
      const loads = await commandsPerNode(async () => (loaded = await store.bulkLoad([...entries.keys(), 'missing'], 'ctx')));
      expect(sent).toEqual(['mget']);
      channel.unsubscribe(recorder as never);
      expect(Object.keys(loaded)).toHaveLength(100);
      const master = await masterOf(`${store.keyPrefix}:i:{ctx}`);
      expect(saves).toEqual([[master, { evalsha: 1 }]]);
      expect(loads).toEqual([[master, { mget: 1 }]]);
    } finally {
      channel.unsubscribe(recorder as never);
      await store.clear();
      await store.close();
    }
  });

  it('clear() reaches every master and only this prefix; getStats() counts across masters', async () => {
    const store = new RedisMemory({ client, keyPrefix: uniquePrefix('all') });
    const longer = new RedisMemory({ client, keyPrefix: `${store.keyPrefix}:x` });
    try {
      for (let c = 0; c < 60; c++) await store.bulkSave({ a: c, b: c, c: c, d: c, e: c }, `ctx-${c}`);
      await longer.bulkSave({ keep: 1 }, 'ctx-0');
      const masters = client.nodes('master');
      expect(masters).toHaveLength(3);
      const perMaster = await Promise.all(masters.map((node) => nodeKeysUnder(node, store.keyPrefix)));
      for (const keys of perMaster) expect(keys.filter((k) => !k.startsWith(`${longer.keyPrefix}:`)).length).toBeGreaterThan(0);

      const stats = await store.getStats();
      expect(stats.totalKeys).toBe(300);
      expect(stats.clusterMasters).toBe(3);
      expect(stats.connectedClients).toBeGreaterThanOrEqual(3);
      expect(stats.redisVersion).toMatch(/^7\./);

      expect(await store.clear()).toBe(300);
      for (const node of masters) {
        expect((await nodeKeysUnder(node, store.keyPrefix)).filter((k) => !k.startsWith(`${longer.keyPrefix}:`))).toEqual([]);
      }
      expect((await store.getStats()).totalKeys).toBe(0);
      expect(await longer.loadContext('keep', 'ctx-0')).toBe(1);
    } finally {
      await longer.clear();
      await Promise.all([store.close(), longer.close()]);
    }
  });

  it('uses a caller-owned Cluster as is and leaves it open; owned clusters are shared and closed with the last store', async () => {
    const borrowed = new RedisMemory({ client, keyPrefix: uniquePrefix('own') });
    await borrowed.saveContext('k', 'ctx', 'v');
    await borrowed.clear('ctx');
    await borrowed.close();
    expect(client.status).toBe('ready');

    const options = { cluster: { nodes: [`127.0.0.1:${cluster.nodes[0]!.port}`] }, keyPrefix: uniquePrefix('shared') };
    const a = new RedisMemory(options);
    const b = new RedisMemory({ ...options, cluster: { nodes: [{ ...cluster.nodes[0]! }] } });
    await a.saveContext('k', 'ctx', 'from a');
    expect(await b.loadContext('k', 'ctx')).toBe('from a');
    const pool = getConnectionManager().pools().filter((p) => p.target.includes(`:${cluster.nodes[0]!.port}`));
    expect(pool).toHaveLength(1);
    expect(pool[0]).toMatchObject({ references: 2 });
    expect(pool[0]!.target).toMatch(/^redis-cluster:\/\/127\.0\.0\.1:/);
    await a.clear('ctx');
    await a.close();
    await b.close();
    expect(getConnectionManager().pools().filter((p) => p.target.includes(`:${cluster.nodes[0]!.port}`))).toEqual([]);
  });

  it('refuses cluster options that cannot work, naming the field', () => {
    const refused = (options: object): string => {
      try {
        new RedisMemory(options as never);
      } catch (error) {
        expect(error).toBeInstanceOf(MemoryError);
        expect((error as MemoryError).code).toBe(ErrorCode.INVALID_ARGUMENT);
        return String((error as MemoryError).details?.field);
      }
      throw new Error('accepted');
    };
    const nodes = cluster.nodes;
    expect(refused({ cluster: { nodes }, url: 'redis://127.0.0.1:6379' })).toBe('url');
    expect(refused({ cluster: { nodes }, db: 1 })).toBe('db');
    expect(refused({ cluster: { nodes }, poolSize: 2 })).toBe('poolSize');
    expect(refused({ cluster: { nodes: [] } })).toBe('cluster.nodes');
    expect(refused({ cluster: { nodes: ['redis://user:secret@host:1'] } })).toBe('cluster.nodes[0]');
    expect(refused({ cluster: { nodes: [{ host: 'h', port: 0 }] } })).toBe('cluster.nodes[0]');
    expect(refused({ cluster: { nodes, extra: 1 } })).toBe('cluster.extra');
    expect(refused({ cluster: { nodes, options: { keyPrefix: 'p:' } } })).toBe('cluster.options');
    expect(refused({ client, cluster: { nodes } })).toBe('cluster');
    const prefixed = new Cluster(nodes, { keyPrefix: 'p:', lazyConnect: true });
    expect(refused({ client: prefixed })).toBe('client');
    prefixed.disconnect();
  });

  it('maps real CROSSSLOT and CLUSTERDOWN replies to MemoryError with what to do', async () => {
    const node = client.nodes('master')[0]!;
    const crossSlot = await node.call('mget', '{a}1', '{b}2', '{c}3').catch((e: unknown) => e);
    expect(String(crossSlot)).toMatch(/CROSSSLOT|MOVED/);
    const context = { operation: 'bulkLoad', target: 'redis-cluster://127.0.0.1:1', status: 'ready', commandTimeout: 5000, lastConnectionError: undefined, redact: (t: string) => t };
    if (String(crossSlot).includes('CROSSSLOT')) {
      const mapped = toMemoryError(crossSlot, context);
      expect(mapped.code).toBe(ErrorCode.BACKEND_ERROR);
      expect(mapped.message).toMatch(/hash slots/);
    }
    const down = toMemoryError(new Error('Too many Cluster redirections. Last error: Error: CLUSTERDOWN The cluster is down'), context);
    expect(down.code).toBe(ErrorCode.CONNECTION_ERROR);
    expect(down.message).toMatch(/cluster is down.*retry/);
    const unreachable = toMemoryError(new Error('Failed to refresh slots cache.'), { ...context, status: 'connecting' });
    expect(unreachable.code).toBe(ErrorCode.CONNECTION_ERROR);
    expect(unreachable.message).toMatch(/cluster\.nodes/);
  });

  it('fails within commandTimeout with CONNECTION_ERROR when no cluster node answers', async () => {
    const port = cluster.nodes[0]!.port;
    // A port where nothing listens: the Cluster never gets a slot map.
    const store = new RedisMemory({ cluster: { nodes: [{ host: '127.0.0.1', port: 1 }] }, commandTimeout: 500, keyPrefix: uniquePrefix('dead'), circuitBreaker: false } as never);
    const started = Date.now();
    const error = await store.loadContext('k', 'ctx').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe(ErrorCode.CONNECTION_ERROR);
    expect((error as MemoryError).message).toMatch(/127\.0\.0\.1:1/);
    await store.close();
    expect(port).toBeGreaterThan(0);
  });

  it('keeps working after a master fails over to its replica', async () => {
    const store = new RedisMemory({ client, keyPrefix: uniquePrefix('fo') });
    try {
      await store.bulkSave({ a: 1, b: 2 }, 'ctx');
      const index = `${store.keyPrefix}:i:{ctx}`;
      const oldMaster = await masterOf(index);
      const nodes = await redisCli(oldMaster, 'CLUSTER', 'NODES');
      const myId = nodes.split('\n').find((line) => line.includes('myself'))!.split(' ')[0]!;
      const replicaLine = nodes.split('\n').find((line) => line.includes(`slave ${myId}`))!;
      const replicaPort = Number(/:(\d+)@/.exec(replicaLine)![1]);
      expect(await redisCli(replicaPort, 'CLUSTER', 'FAILOVER')).toMatch(/OK/);
      await waitFor('replica promoted', async () => (await redisCli(replicaPort, 'ROLE')).startsWith('master'), 20_000);
      await waitFor('old master demoted', async () => (await redisCli(oldMaster, 'ROLE')).startsWith('slave'), 20_000);

      // The client still routes to the old master until a MOVED reply refreshes its slot map.
      expect(await store.bulkLoad(['a', 'b'], 'ctx')).toEqual({ a: 1, b: 2 });
      await store.saveContext('c', 'ctx', 3);
      expect(await store.loadContext('c', 'ctx')).toBe(3);
      expect(await masterOf(index)).toBe(replicaPort);
      const onNew = nodeOf(replicaPort);
      await onNew.connect();
      expect((await nodeKeysUnder(onNew, store.keyPrefix)).length).toBe(4);
      onNew.disconnect();
      await sleep(10);
      expect(await store.clear('ctx')).toBe(3);
    } finally {
      await store.clear();
      await store.close();
    }
  }, 60_000);
});
