import { isMemoryError, type InvalidationBusState, type InvalidationMessage } from '@engram/memory-core';
import { serializeData } from '@engram/memory-utils';
import { startRedis, waitFor, type RedisServer } from '@engram/test-servers';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBusMessage, encodeBusMessage } from '../src/bus_message_codec.js';
import { RedisInvalidationBus } from '../src/index.js';
import { REDIS_URL, rawClient, uniquePrefix } from './redis_test_support.js';

const received = (bus: RedisInvalidationBus) => {
  const messages: InvalidationMessage[] = [];
  bus.subscribe((message) => messages.push(message));
  return messages;
};

describe('bus message codec', () => {
  it('round-trips every message shape, ids as data', () => {
    const tricky = ['a:b', '{x}', '*', 'ü ☃', '["k"]'];
    const shapes: InvalidationMessage[] = [
      { type: 'keys', contextId: tricky[1]!, keys: tricky },
      { type: 'context', contextId: tricky[0]! },
      { type: 'pattern', contextId: undefined, pattern: 'user:*' },
      { type: 'pattern', contextId: '{c}', pattern: '\\*' },
      { type: 'all' },
    ];
    for (const message of shapes) expect(decodeBusMessage(encodeBusMessage('o1', message))).toEqual({ origin: 'o1', message });
  });

  it('ignores malformed and foreign payloads instead of throwing', () => {
    const foreign = [
      new Uint8Array([0xff, 0x00, 0x13]),
      new TextEncoder().encode('hello'),
      serializeData([2, 'o', 'a', null, null]),
      serializeData([1, 'o', 'k', 'ctx', []]),
      serializeData([1, 'o', 'k', 'ctx', [1]]),
      serializeData([1, '', 'a', null, null]),
      serializeData([1, 'o', 'x', null, null]),
      serializeData({ type: 'all' }),
    ];
    for (const bytes of foreign) expect(decodeBusMessage(bytes)).toBeUndefined();
  });
});

describe('RedisInvalidationBus on the shared Redis', () => {
  const prefix = uniquePrefix('bus');
  let a: RedisInvalidationBus;
  let b: RedisInvalidationBus;
  let raw: Redis;

  beforeAll(async () => {
    a = new RedisInvalidationBus({ url: REDIS_URL, keyPrefix: prefix });
    b = new RedisInvalidationBus({ url: REDIS_URL, keyPrefix: prefix });
    raw = rawClient();
    await Promise.all([a.ready(), b.ready()]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    raw.disconnect();
  });

  it('delivers to the other bus, not back to the publisher', async () => {
    const atA = received(a);
    const atB = received(b);
    const message: InvalidationMessage = { type: 'keys', contextId: 'ctx', keys: ['k1', 'k*'] };
    await a.publish(message);
    await waitFor('b to receive', async () => atB.length === 1, 5_000);
    expect(atB).toEqual([message]);
    // b's own publish comes back to b too: it must be skipped there, and reach a.
    await b.publish({ type: 'all' });
    await waitFor('a to receive', async () => atA.length === 1, 5_000);
    expect(atA).toEqual([{ type: 'all' }]);
    expect(atB).toHaveLength(1);
    expect(b.stats().ownSkipped).toBeGreaterThanOrEqual(1);
  });

  it('drops foreign bytes on its channel and keeps working', async () => {
    const atB = received(b);
    const dropped = b.stats().dropped;
    await raw.publish(b.channel, Buffer.from('not an engram message'));
    await a.publish({ type: 'context', contextId: 'c2' });
    await waitFor('b to receive', async () => atB.length === 1, 5_000);
    expect(b.stats().dropped).toBe(dropped + 1);
  });

  it('keeps prefixes apart: another prefix hears nothing', async () => {
    const other = new RedisInvalidationBus({ url: REDIS_URL, keyPrefix: uniquePrefix('bus') });
    try {
      await other.ready();
      const atOther = received(other);
      const atB = received(b);
      await a.publish({ type: 'all' });
      await waitFor('b to receive', async () => atB.length === 1, 5_000);
      expect(atOther).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('refuses to publish after close', async () => {
    const bus = new RedisInvalidationBus({ url: REDIS_URL, keyPrefix: prefix });
    await bus.close();
    await expect(bus.publish({ type: 'all' })).rejects.toSatisfy((error) => isMemoryError(error, 'CLOSED'));
  });
});

describe('RedisInvalidationBus connection state', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('reports disconnected while the server is down and resubscribes when it returns', async () => {
    const prefix = uniquePrefix('bus');
    const a = new RedisInvalidationBus({ url: server.url, keyPrefix: prefix, commandTimeout: 1_000 });
    const b = new RedisInvalidationBus({ url: server.url, keyPrefix: prefix, commandTimeout: 1_000 });
    const states: InvalidationBusState[] = [];
    b.onStateChange((state) => states.push(state));
    try {
      await Promise.all([a.ready(), b.ready()]);
      await server.kill();
      await waitFor('b to notice', async () => b.state === 'disconnected', 10_000);
      await server.restart();
      await b.ready(15_000);
      await a.ready(15_000);
      const atB = received(b);
      await a.publish({ type: 'context', contextId: 'after-restart' });
      await waitFor('b to receive after the restart', async () => atB.length === 1, 5_000);
      expect(states).toEqual(['connected', 'disconnected', 'connected']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
