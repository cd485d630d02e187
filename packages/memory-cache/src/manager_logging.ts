import { debugEnabled, logId, type EngramLogger } from '@engram/memory-core';
import type { MemoryManager } from './memory_manager.js';

/**
 * The manager's `logger` option, wired as ordinary event listeners so logging and user
 * telemetry see the same facts. Context ids and keys are logged as `logId` hashes (they are
 * often user ids); values are never in an event payload, so they cannot reach a log line.
 */
export function logManagerEvents(manager: MemoryManager, logger: EngramLogger): void {
  manager.on('operation', (e) => {
    if (e.outcome === 'ok') {
      if (!debugEnabled(logger)) return;
      logger.debug({ component: 'MemoryManager', op: e.op, ctx: hashed(e.contextId), durationMs: round(e.durationMs) }, 'engram operation');
      return;
    }
    logger.error(
      { component: 'MemoryManager', op: e.op, code: e.code, ctx: hashed(e.contextId), durationMs: round(e.durationMs) },
      'engram operation failed',
    );
  });
  // The first `connected` is the bus coming up, not a recovery: info, not a warning.
  let wasDown = false;
  manager.on('bus:state', (e) => {
    const fields = { component: 'MemoryManager', bus: e.state };
    if (e.state === 'disconnected') {
      wasDown = true;
      logger.warn(fields, 'invalidation bus disconnected: L1 answers only until busDownMaxStalenessMs, then reads go to the store');
    } else if (wasDown) {
      wasDown = false;
      logger.warn(fields, 'invalidation bus reconnected: L1 dropped, since messages may have been missed');
    } else logger.info(fields, 'invalidation bus connected');
  });
  manager.on('lock:lost', (e) => {
    logger.warn(
      { component: 'MemoryManager', op: 'withCache', ctx: logId(e.contextId), key: logId(e.key) },
      'distributed withCache lost its lock while computing: another process may compute the same key',
    );
  });
}

const hashed = (id: string | undefined): string | undefined => (id === undefined ? undefined : logId(id));
const round = (ms: number): number => Math.round(ms * 1000) / 1000;
