import { randomBytes } from 'node:crypto';
import {
  ErrorCode,
  MemoryError,
  invalidArgument,
  type InvalidationBus,
  type InvalidationBusState,
  type InvalidationMessage,
} from '@engram/memory-core';
import { validatePrefix } from '@engram/memory-utils';
import { borrowClient, type ClientLease } from './client_lease.js';
import { resolveConnectionConfig, type ConnectionFields } from './connection_config.js';
import { getConnectionManager } from './connection_manager.js';
import { decodeBusMessage, encodeBusMessage } from './bus_message_codec.js';
import { isCluster, type RedisClient } from './redis_client.js';
import { toMemoryError } from './redis_errors.js';

export interface RedisInvalidationBusOptions extends ConnectionFields {
  /** Same meaning as RedisMemory's: the channel is `<keyPrefix>:invalidate:<db>`. Default `engram`. */
  keyPrefix?: string;
  /** An ioredis client you own, used to publish (a `duplicate()` of it subscribes). Never closed by the bus. */
  client?: RedisClient;
}

export interface InvalidationBusStats {
  state: InvalidationBusState;
  published: number;
  received: number;
  /** Messages from this bus itself, skipped. */
  ownSkipped: number;
  /** Malformed or foreign messages on the channel, ignored. */
  dropped: number;
}

/**
 * `InvalidationBus` over Redis pub/sub. Publishing uses the shared connection pool (or your
 * client); receiving needs a connection of its own, since a subscribed connection can run no
 * other command. Every bus has a random origin id and ignores its own messages. `state` is
 * `connected` only while the subscription is confirmed by the server: a cache must assume it
 * missed messages while `disconnected`.
 */
export class RedisInvalidationBus implements InvalidationBus {
  readonly channel: string;
  readonly origin = randomBytes(12).toString('base64url');
  readonly #lease: ClientLease;
  readonly #subscriber: RedisClient;
  readonly #handlers = new Set<(message: InvalidationMessage) => void>();
  readonly #listeners = new Set<(state: InvalidationBusState) => void>();
  readonly #stats = { published: 0, received: 0, ownSkipped: 0, dropped: 0 };
  #state: InvalidationBusState = 'disconnected';
  #closing: Promise<void> | undefined;

  constructor(options: RedisInvalidationBusOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw invalidArgument('RedisInvalidationBus options must be an object such as { url: "redis://127.0.0.1:6379" }', {
        field: 'options',
      });
    }
    const { keyPrefix = 'engram', client, ...fields } = options;
    validatePrefix(keyPrefix);
    let db: number;
    if (client !== undefined) {
      if (typeof client.duplicate !== 'function' || typeof client.publish !== 'function') {
        throw invalidArgument('client must be an ioredis Redis instance (import { Redis } from "ioredis")', { field: 'client' });
      }
      const conflicting = Object.keys(fields).find((name) => (fields as Record<string, unknown>)[name] !== undefined);
      if (conflicting !== undefined) {
        throw invalidArgument(`${conflicting} cannot be combined with client: configure your ioredis client instead`, { field: conflicting });
      }
      this.#lease = borrowClient(client);
      db = isCluster(client) ? 0 : (client.options.db ?? 0);
    } else {
      const config = resolveConnectionConfig(fields);
      this.#lease = getConnectionManager().acquire(config);
      db = config.db;
    }
    // Pub/sub channels are server-wide, not per database: the db keeps two databases' caches apart.
    this.channel = `${keyPrefix}:invalidate:${db}`;
    this.#subscriber = subscriberFor(this.#lease.next());
    this.#subscriber.on('error', () => {
      // Reconnects are automatic; the state change is what callers act on.
    });
    this.#subscriber.on('ready', () => void this.#subscribe());
    for (const event of ['close', 'reconnecting', 'end']) this.#subscriber.on(event, () => this.#setState('disconnected'));
    this.#subscriber.on('messageBuffer', (channel: Buffer, payload: Buffer) => this.#receive(channel, payload));
  }

  get state(): InvalidationBusState {
    return this.#state;
  }

  /** Sends `message` to every other bus on this channel. Fails with CONNECTION_ERROR/TIMEOUT like a store operation. */
  async publish(message: InvalidationMessage): Promise<void> {
    if (this.#closing !== undefined) throw closed();
    const bytes = encodeBusMessage(this.origin, message);
    const client = this.#lease.next();
    try {
      await client.publish(this.channel, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      this.#stats.published++;
    } catch (error) {
      throw toMemoryError(error, {
        operation: 'publish',
        target: this.#lease.target,
        status: client.status,
        commandTimeout: this.#lease.commandTimeout,
        lastConnectionError: this.#lease.lastError(client),
        redact: this.#lease.redact,
      });
    }
  }

  subscribe(handler: (message: InvalidationMessage) => void): () => void {
    if (typeof handler !== 'function') throw invalidArgument('handler must be a function of the message', { field: 'handler' });
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  onStateChange(listener: (state: InvalidationBusState) => void): () => void {
    if (typeof listener !== 'function') throw invalidArgument('listener must be a function of the state', { field: 'listener' });
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once the subscription is confirmed (or rejects with TIMEOUT after `timeoutMs`). */
  async ready(timeoutMs = 10_000): Promise<void> {
    if (this.#state === 'connected') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new MemoryError(ErrorCode.TIMEOUT, `the invalidation bus did not subscribe within ${timeoutMs} ms: check that ${this.#lease.target} is reachable`));
      }, timeoutMs);
      const stop = this.onStateChange((state) => {
        if (state !== 'connected') return;
        clearTimeout(timer);
        stop();
        resolve();
      });
    });
  }

  stats(): InvalidationBusStats {
    return { state: this.#state, ...this.#stats };
  }

  /** Unsubscribes, closes the subscriber connection and releases the publishing one. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#handlers.clear();
      this.#setState('disconnected');
      this.#listeners.clear();
      if (this.#subscriber.status === 'ready') await this.#subscriber.quit().catch(() => this.#subscriber.disconnect());
      else this.#subscriber.disconnect();
      await this.#lease.release();
    })();
    return this.#closing;
  }

  async #subscribe(): Promise<void> {
    try {
      await this.#subscriber.subscribe(this.channel);
      if (this.#closing === undefined && this.#subscriber.status === 'ready') this.#setState('connected');
    } catch {
      // The next reconnect tries again; until then the state stays disconnected.
    }
  }

  #receive(channel: Buffer, payload: Buffer): void {
    if (channel.toString() !== this.channel) return;
    const envelope = decodeBusMessage(payload);
    if (envelope === undefined) {
      this.#stats.dropped++;
      return;
    }
    if (envelope.origin === this.origin) {
      this.#stats.ownSkipped++;
      return;
    }
    this.#stats.received++;
    for (const handler of this.#handlers) {
      try {
        handler(envelope.message);
      } catch {
        // One failing handler must not keep the others from invalidating.
      }
    }
  }

  #setState(state: InvalidationBusState): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const listener of this.#listeners) {
      try {
        listener(state);
      } catch {
        // A listener's failure is its own; the state still changes for the others.
      }
    }
  }
}

/** A connection of its own (a subscribed one can run nothing else), reconnecting forever. */
function subscriberFor(client: RedisClient): RedisClient {
  const settings = {
    // We subscribe ourselves on every 'ready', so that `connected` means "confirmed by the server".
    autoResubscribe: false,
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    lazyConnect: false,
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times - 1, 6), 2_000),
  };
  if (isCluster(client)) return client.duplicate(undefined, { redisOptions: { connectionName: 'engram-bus' } });
  return client.duplicate({ ...settings, connectionName: 'engram-bus' });
}

function closed(): MemoryError {
  return new MemoryError(ErrorCode.CLOSED, 'This RedisInvalidationBus is closed: create a new one to keep publishing');
}
