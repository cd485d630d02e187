import { describe, expect, it } from 'vitest';
import { pingRedis, redisCli, startRedisCluster } from '../src/index.js';

describe('startRedisCluster', () => {
  it('starts 3 masters + 3 replicas that cover every slot, and stops them all', async () => {
    const cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
    try {
      expect(cluster.nodes).toHaveLength(6);
      expect(cluster.nodes.map((node) => node.port)).not.toContain(6379);
      for (const node of cluster.nodes) {
        const info = await redisCli(node.port, 'CLUSTER', 'INFO');
        expect(info).toContain('cluster_state:ok');
        expect(info).toContain('cluster_slots_assigned:16384');
      }
      const nodes = await redisCli(cluster.nodes[0]!.port, 'CLUSTER', 'NODES');
      expect(nodes.match(/master/g)).toHaveLength(3);
      expect(nodes.match(/slave/g)).toHaveLength(3);
    } finally {
      await cluster.stop();
    }
    for (const node of cluster.nodes) expect(await pingRedis(node.port)).toBe(false);
  }, 90_000);
});
