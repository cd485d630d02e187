/** Server-wide figures from INFO. On a shared server they describe everyone's keys, not just this store's. */
export interface RedisServerStats {
  redisVersion: string;
  usedMemoryBytes: number;
  maxMemoryBytes: number;
  maxMemoryPolicy: string;
  keyspaceHits: number;
  keyspaceMisses: number;
  expiredKeys: number;
  evictedKeys: number;
  connectedClients: number;
  uptimeSeconds: number;
  [field: string]: string | number;
}

const NUMBERS: Record<string, string> = {
  used_memory: 'usedMemoryBytes',
  maxmemory: 'maxMemoryBytes',
  keyspace_hits: 'keyspaceHits',
  keyspace_misses: 'keyspaceMisses',
  expired_keys: 'expiredKeys',
  evicted_keys: 'evictedKeys',
  connected_clients: 'connectedClients',
  uptime_in_seconds: 'uptimeSeconds',
};
const STRINGS: Record<string, string> = {
  redis_version: 'redisVersion',
  maxmemory_policy: 'maxMemoryPolicy',
};

export function readServerStats(info: string): RedisServerStats {
  const stats: Record<string, string | number> = {
    redisVersion: 'unknown',
    usedMemoryBytes: 0,
    maxMemoryBytes: 0,
    maxMemoryPolicy: 'unknown',
    keyspaceHits: 0,
    keyspaceMisses: 0,
    expiredKeys: 0,
    evictedKeys: 0,
    connectedClients: 0,
    uptimeSeconds: 0,
  };
  for (const line of info.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || line.startsWith('#')) continue;
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    const numberField = NUMBERS[name];
    if (numberField !== undefined) {
      const parsed = Number(value);
      if (Number.isFinite(parsed)) stats[numberField] = parsed;
    }
    const stringField = STRINGS[name];
    if (stringField !== undefined) stats[stringField] = value;
  }
  return stats as RedisServerStats;
}
