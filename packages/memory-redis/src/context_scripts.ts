import type { RedisClient } from './redis_client.js';
import { LuaScript } from './lua_script.js';
import type { ContextKeys, EntryKeys } from './redis_keys.js';

/**
 * Lua scripts that keep a value and its context index in step, atomically and in one round trip.
 *
 * Every key a script touches carries the context's hash tag, so each script runs on one Redis
 * Cluster slot. The `#!lua` shebang (Redis >= 7) makes Redis refuse a script up front when it is
 * out of memory instead of failing half-way, and enforces the one-slot rule on clusters.
 *
 * Index: `ZADD index <expiry ms | inf> <member>`. Scores come from the server clock (TIME), the
 * clock that expires the values, so pruning (`score < now`) never drops a live member. The index
 * expires no earlier than its longest-lived member (plus SLACK_MS, so a busy context extends it
 * once a minute rather than on every save) and is persistent while any member is: a context
 * nobody touches again leaves nothing behind.
 *
 * Numbers are passed to redis.call as Lua numbers: Redis formats them with %.17g, exact for the
 * integer milliseconds used here.
 */
const PRELUDE = `#!lua
local SLACK_MS = 60000
local function now_ms()
  local t = redis.call('TIME')
  return t[1] * 1000 + math.floor(t[2] / 1000)
end
-- Recomputes the index expiry from its highest score; used only after a persistent member left.
local function settle(index)
  local top = redis.call('ZRANGE', index, -1, -1, 'WITHSCORES')
  if #top == 0 then return end
  if top[2] == 'inf' then
    redis.call('PERSIST', index)
  else
    redis.call('PEXPIREAT', index, tonumber(top[2]) + SLACK_MS)
  end
end
-- After adding members with a finite score: extend the index, or settle it if it was persistent
-- only because of a member that is now finite.
local function extend(index, expiry, score, lost_persistent)
  if expiry == -1 then
    if lost_persistent and redis.call('ZCOUNT', index, 'inf', 'inf') == 0 then settle(index) end
  elseif expiry < score then
    redis.call('PEXPIREAT', index, score + SLACK_MS)
  end
end
`;

/** KEYS: value, index. ARGV: member, payload, ttl ms (0 = never). Returns 1. */
const SAVE = `${PRELUDE}
local index = KEYS[2]
local ttl = tonumber(ARGV[3])
-- ZADD goes first: it is the one call that can fail (WRONGTYPE), so a failure writes nothing.
if ttl == 0 then
  redis.call('ZADD', index, 'inf', ARGV[1])
  redis.call('SET', KEYS[1], ARGV[2])
  redis.call('PERSIST', index)
  return 1
end
local now = now_ms()
local score = now + ttl
local expiry = redis.call('PEXPIRETIME', index)
local previous = false
if expiry == -1 then previous = redis.call('ZSCORE', index, ARGV[1]) end
if redis.call('ZADD', index, score, ARGV[1]) == 1 then
  -- The index only grows when a member is added: prune expired members then.
  redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. now)
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
extend(index, expiry, score, previous == 'inf')
return 1
`;

/** KEYS: index, value 1..n. ARGV: ttl ms (0 = never), member 1..n, payload 1..n. Returns n. */
const BULK_SAVE = `${PRELUDE}
local index = KEYS[1]
local ttl = tonumber(ARGV[1])
local n = #KEYS - 1
local now = now_ms()
local score = 'inf'
if ttl > 0 then score = now + ttl end
local expiry = redis.call('PEXPIRETIME', index)
local lost_persistent = false
local added = 0
-- unpack() is bounded by the Lua C stack, so members go in slices of 500.
for first = 1, n, 500 do
  local last = math.min(first + 499, n)
  local members, scored = {}, {}
  for i = first, last do
    members[#members + 1] = ARGV[1 + i]
    scored[#scored + 1] = score
    scored[#scored + 1] = ARGV[1 + i]
  end
  if ttl > 0 and expiry == -1 and not lost_persistent then
    for _, s in ipairs(redis.call('ZMSCORE', index, unpack(members))) do
      if s == 'inf' then lost_persistent = true end
    end
  end
  added = added + redis.call('ZADD', index, unpack(scored))
end
if added > 0 then redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. now) end
for i = 1, n do
  if ttl > 0 then
    redis.call('SET', KEYS[1 + i], ARGV[1 + n + i], 'PX', ARGV[1])
  else
    redis.call('SET', KEYS[1 + i], ARGV[1 + n + i])
  end
end
if ttl > 0 then extend(index, expiry, score, lost_persistent) else redis.call('PERSIST', index) end
return n
`;

/** KEYS: value, index. ARGV: member. Returns 1 when the value existed. */
const DELETE = `${PRELUDE}
local previous = redis.call('ZSCORE', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
local existed = redis.call('DEL', KEYS[1])
if previous == 'inf' and redis.call('ZCOUNT', KEYS[2], 'inf', 'inf') == 0 then settle(KEYS[2]) end
return existed
`;

/**
 * KEYS: index. ARGV: value-key prefix. Returns how many live values were removed. The value keys
 * are built from the index members; they share the index's slot, which Redis allows.
 */
const CLEAR_CONTEXT = `${PRELUDE}
local removed = 0
-- Slices of 500 keep Lua's memory and unpack() bounded for contexts of any size.
for first = 0, redis.call('ZCARD', KEYS[1]) - 1, 500 do
  local batch = {}
  for _, member in ipairs(redis.call('ZRANGE', KEYS[1], first, first + 499)) do
    batch[#batch + 1] = ARGV[1] .. member
  end
  if #batch > 0 then removed = removed + redis.call('UNLINK', unpack(batch)) end
end
redis.call('UNLINK', KEYS[1])
return removed
`;

const scripts = {
  save: new LuaScript(SAVE),
  bulkSave: new LuaScript(BULK_SAVE),
  delete: new LuaScript(DELETE),
  clearContext: new LuaScript(CLEAR_CONTEXT),
};

/** Sets a value and indexes it. `ttlMs` '0' means no expiry. */
export function saveEntry(client: RedisClient, keys: EntryKeys, payload: Buffer, ttlMs: string): Promise<unknown> {
  return scripts.save.run(client, [keys.value, keys.index], [keys.member, payload, ttlMs]);
}

/** Sets every value of one context and indexes them, in one script. */
export function saveEntries(
  client: RedisClient,
  index: string,
  valueKeys: readonly string[],
  members: readonly string[],
  payloads: readonly Buffer[],
  ttlMs: string,
): Promise<unknown> {
  return scripts.bulkSave.run(client, [index, ...valueKeys], [ttlMs, ...members, ...payloads]);
}

/** Removes a value and its index member; resolves to 1 when the value existed. */
export function deleteEntry(client: RedisClient, keys: EntryKeys): Promise<number> {
  return scripts.delete.run(client, [keys.value, keys.index], [keys.member]) as Promise<number>;
}

/** Removes every value of a context and its index; resolves to how many live values were removed. */
export function clearContext(client: RedisClient, keys: ContextKeys): Promise<number> {
  return scripts.clearContext.run(client, [keys.index], [keys.valuePrefix]) as Promise<number>;
}
