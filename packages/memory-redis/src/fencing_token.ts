import type { Cluster, Redis } from 'ioredis';
import { LuaScript } from './lua_script.js';
import { onQuorum } from './quorum.js';

const RAISE = new LuaScript(`
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
`);

/**
 * The next fencing token of a lock, taken while holding it. On one server: INCR. On several
 * (Redlock), INCR on a majority and take the largest, then raise a majority's counters to it:
 * any two majorities share a server, so the next holder's INCR starts above this token. Tokens
 * thus grow strictly as long as servers keep their data (AOF), Redlock's own assumption.
 */
export async function nextFencingToken(servers: readonly (Redis | Cluster)[], key: string, timeoutMs: number): Promise<number> {
  const what = 'the lock was acquired but its fencing token could not be taken';
  const counts = await onQuorum(servers, (server) => server.incr(key), timeoutMs, what);
  const token = Math.max(...counts);
  if (servers.length > 1) await onQuorum(servers, (server) => RAISE.run(server as Redis, [key], [token]), timeoutMs, what);
  return token;
}
