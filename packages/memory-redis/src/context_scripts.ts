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
 * A context's index is two plain sets of escaped keys: `index` for values saved with a TTL,
 * `persistent` for values saved without. A member is in at most one of them (adding it to one
 * removes it from the other), and a script adds the member before it SETs the value, so a live
 * value is always listed: the index may hold extra members (values that expired since), never
 * miss one. A save runs no more commands than it must (a repeated save of one key: SADD, SET,
 * PEXPIRE), because each command inside a script costs server time that a bare SET does not pay.
 *
 * - `index` expires with its longest-lived member: every TTL save pushes its expiry to at least
 *   the value's (`PEXPIRE … GT`, after the SET, on the same server clock). `persistent` holds
 *   only values that never expire and vanishes, like any empty set, with its last member. So an
 *   abandoned context leaves no key behind.
 * - Members of expired values are pruned by sampling: each TTL save that adds members checks two
 *   random members per added one (SRANDMEMBER + EXISTS of their values) and removes the dead.
 *   With two checks per addition, dead members settle below half of the index in steady state,
 *   so the index stays within about twice the context's live keys, without a per-save clock read
 *   or score bookkeeping. `clear(ctx)` removes dead members with everything else.
 */
const PRELUDE = `#!lua
-- Removes members of \`index\` whose value is gone, among up to \`count\` random ones.
local function prune(index, value_prefix, count)
  local dead = {}
  for _, member in ipairs(redis.call('SRANDMEMBER', index, count)) do
    if redis.call('EXISTS', value_prefix .. member) == 0 then dead[#dead + 1] = member end
  end
  -- unpack() is bounded by the Lua C stack, so members go in slices of 500.
  for first = 1, #dead, 500 do
    redis.call('SREM', index, unpack(dead, first, math.min(first + 499, #dead)))
  end
end
-- The index expires no earlier than a value just saved with \`ttl\` ms; NX covers an index this
-- script has just created (GT treats a key without expiry as infinite and would not set one).
local function cover(index, ttl)
  if redis.call('PEXPIRE', index, ttl, 'GT') == 0 then redis.call('PEXPIRE', index, ttl, 'NX') end
end
`;

/** KEYS: value, index, persistent. ARGV: member, payload, ttl ms ('0' = never). Returns 1. */
const SAVE = `${PRELUDE}
local value, index, persistent = KEYS[1], KEYS[2], KEYS[3]
local member, ttl = ARGV[1], ARGV[3]
-- Index writes go first: they are the calls that can fail (WRONGTYPE), so a failure writes no value.
if ttl == '0' then
  if redis.call('SADD', persistent, member) == 1 then redis.call('SREM', index, member) end
  redis.call('SET', value, ARGV[2])
  return 1
end
local added = redis.call('SADD', index, member)
if added == 1 then redis.call('SREM', persistent, member) end
redis.call('SET', value, ARGV[2], 'PX', ttl)
cover(index, ttl)
if added == 1 then prune(index, string.sub(value, 1, #value - #member), 2) end
return 1
`;

/** KEYS: index, persistent, value 1..n. ARGV: ttl ms ('0' = never), member 1..n, payload 1..n. Returns n. */
const BULK_SAVE = `${PRELUDE}
local index, persistent, ttl = KEYS[1], KEYS[2], ARGV[1]
local n = #KEYS - 2
local target, other = index, persistent
if ttl == '0' then target, other = persistent, index end
local added = 0
for first = 2, n + 1, 500 do
  added = added + redis.call('SADD', target, unpack(ARGV, first, math.min(first + 499, n + 1)))
end
if added > 0 and redis.call('EXISTS', other) == 1 then
  for first = 2, n + 1, 500 do redis.call('SREM', other, unpack(ARGV, first, math.min(first + 499, n + 1))) end
end
if ttl == '0' then
  for i = 1, n do redis.call('SET', KEYS[2 + i], ARGV[1 + n + i]) end
  return n
end
for i = 1, n do redis.call('SET', KEYS[2 + i], ARGV[1 + n + i], 'PX', ttl) end
cover(index, ttl)
if added > 0 then
  -- A freshly created index holds only the values just written: nothing to prune.
  local size = redis.call('SCARD', index)
  if size > added then prune(index, string.sub(KEYS[3], 1, #KEYS[3] - #ARGV[2]), math.min(2 * added, size)) end
end
return n
`;

/** KEYS: value, index, persistent. ARGV: member. Returns 1 when the value existed. */
const DELETE = `#!lua
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
return redis.call('DEL', KEYS[1])
`;

/**
 * KEYS: index, persistent. ARGV: value-key prefix. Returns how many live values were removed. The
 * value keys are built from the members; they share the index's slot, which Redis allows.
 */
const CLEAR_CONTEXT = `#!lua
local removed = 0
for _, index in ipairs(KEYS) do
  -- SSCAN batches keep Lua's memory and unpack() bounded for contexts of any size. A member seen
  -- twice is harmless: UNLINK counts only keys that still existed.
  local cursor = '0'
  repeat
    local reply = redis.call('SSCAN', index, cursor, 'COUNT', 500)
    cursor = reply[1]
    local batch = {}
    for _, member in ipairs(reply[2]) do batch[#batch + 1] = ARGV[1] .. member end
    for first = 1, #batch, 500 do
      removed = removed + redis.call('UNLINK', unpack(batch, first, math.min(first + 499, #batch)))
    end
  until cursor == '0'
  redis.call('UNLINK', index)
end
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
  return scripts.save.run(client, [keys.value, keys.index, keys.persistent], [keys.member, payload, ttlMs]);
}

/** Sets every value of one context and indexes them, in one script. */
export function saveEntries(
  client: RedisClient,
  keys: ContextKeys,
  valueKeys: readonly string[],
  members: readonly string[],
  payloads: readonly Buffer[],
  ttlMs: string,
): Promise<unknown> {
  return scripts.bulkSave.run(client, [keys.index, keys.persistent, ...valueKeys], [ttlMs, ...members, ...payloads]);
}

/** Removes a value and its index member; resolves to 1 when the value existed. */
export function deleteEntry(client: RedisClient, keys: EntryKeys): Promise<number> {
  return scripts.delete.run(client, [keys.value, keys.index, keys.persistent], [keys.member]) as Promise<number>;
}

/** Removes every value of a context and its index; resolves to how many live values were removed. */
export function clearContext(client: RedisClient, keys: ContextKeys): Promise<number> {
  return scripts.clearContext.run(client, [keys.index, keys.persistent], [keys.valuePrefix]) as Promise<number>;
}
