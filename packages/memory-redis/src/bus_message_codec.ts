import type { InvalidationMessage } from '@engram/memory-core';
import { deserializeData, serializeData } from '@engram/memory-utils';

/**
 * Wire form of an invalidation: a MessagePack tuple `[1, origin, kind, contextId|null, payload]`
 * with kind `k` (payload: keys), `c` (context), `p` (payload: pattern) or `a` (everything).
 * Ids travel as data inside the tuple, so no key, context id or pattern can change the framing.
 */
const VERSION = 1;

export interface BusEnvelope {
  origin: string;
  message: InvalidationMessage;
}

export function encodeBusMessage(origin: string, message: InvalidationMessage): Uint8Array {
  switch (message.type) {
    case 'keys':
      return serializeData([VERSION, origin, 'k', message.contextId, message.keys]);
    case 'context':
      return serializeData([VERSION, origin, 'c', message.contextId, null]);
    case 'pattern':
      return serializeData([VERSION, origin, 'p', message.contextId ?? null, message.pattern]);
    case 'all':
      return serializeData([VERSION, origin, 'a', null, null]);
  }
}

/** The message, or undefined for anything malformed or foreign (another version, another writer). */
export function decodeBusMessage(bytes: Uint8Array): BusEnvelope | undefined {
  let tuple: unknown;
  try {
    tuple = deserializeData(bytes);
  } catch {
    return undefined;
  }
  if (!Array.isArray(tuple) || tuple.length !== 5 || tuple[0] !== VERSION || !isId(tuple[1])) return undefined;
  const [, origin, kind, contextId, payload] = tuple as [number, string, unknown, unknown, unknown];
  switch (kind) {
    case 'k':
      if (!isId(contextId) || !Array.isArray(payload) || payload.length === 0 || !payload.every(isId)) return undefined;
      return { origin, message: { type: 'keys', contextId, keys: payload as string[] } };
    case 'c':
      return isId(contextId) ? { origin, message: { type: 'context', contextId } } : undefined;
    case 'p':
      if ((contextId !== null && !isId(contextId)) || !isId(payload)) return undefined;
      return { origin, message: { type: 'pattern', contextId: contextId ?? undefined, pattern: payload } };
    case 'a':
      return { origin, message: { type: 'all' } };
    default:
      return undefined;
  }
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
