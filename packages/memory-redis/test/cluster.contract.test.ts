import { describeMemoryContract } from '@engram/memory-core/testing';
import { startRedisCluster, type RedisCluster } from '@engram/test-servers';
import { afterAll, beforeAll } from 'vitest';
import { RedisMemory } from '../src/index.js';
import { uniquePrefix } from './redis_test_support.js';

/*
 * The whole BaseMemory contract on a real Redis Cluster (3 masters, 3 replicas) that this file
 * starts on free loopback ports. Each store owns its Cluster client through the connection manager
 * (`cluster: { nodes }`) and has its own prefix; the cluster is thrown away afterwards.
 */
let cluster: RedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describeMemoryContract('redis cluster', {
  create: () => new RedisMemory({ cluster: { nodes: cluster.nodes }, keyPrefix: uniquePrefix('cl') }),
});
