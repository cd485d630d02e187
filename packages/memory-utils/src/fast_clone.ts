import { ErrorCode, MemoryError } from '@engram/memory-core';
import { TYPED_ARRAY_KIND_BY_PROTO } from './codec_types.js';

/**
 * A deep copy for the L1 cache, so callers can mutate what `load` returned without changing
 * the cache. Accepts what serializeData accepts and copies it the way a round trip through
 * the codec would, only much faster (no bytes): plain objects keep their prototype (null
 * or Object.prototype) and own `__proto__` keys as data; Date, Map (keys copied too), Set,
 * Buffer, Uint8Array and the other typed arrays are copied; primitives are returned as is.
 *
 * No cycle detection: the cache only holds values that already passed the codec's checks,
 * which refuse cycles, so the walk always ends.
 *
 * @throws MemoryError SERIALIZATION_ERROR for functions, symbols and class instances (values
 *   the codec refuses), so a bug that skipped the codec cannot leak shared state silently.
 */
export function cloneValue<T>(value: T): T {
  return (typeof value === 'object' && value !== null ? cloneObject(value) : checkPrimitive(value)) as T;
}

function checkPrimitive<T>(value: T): T {
  if (typeof value === 'function' || typeof value === 'symbol') {
    throw new MemoryError(ErrorCode.SERIALIZATION_ERROR, `cloneValue got a ${typeof value}; only storable values can be cached`);
  }
  return value;
}

function cloneObject(value: object): unknown {
  if (Array.isArray(value)) {
    const length = value.length;
    const out = new Array<unknown>(length);
    for (let i = 0; i < length; i++) {
      const item: unknown = value[i];
      out[i] = typeof item === 'object' && item !== null ? cloneObject(item) : checkPrimitive(item);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype) {
    // Spread defines own properties (CreateDataProperty), so a `__proto__` key stays a key;
    // V8 copies the whole shape at once. Then only object-valued fields are replaced.
    const out: Record<string, unknown> = { ...value };
    for (const key in out) {
      const item = out[key];
      if (typeof item === 'object' && item !== null) out[key] = cloneObject(item);
      else if (typeof item === 'function' || typeof item === 'symbol') checkPrimitive(item);
    }
    return out;
  }
  if (proto === null) {
    // A null-prototype target has no `__proto__` setter, so plain assignment is safe here.
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value)) out[key] = cloneValue((value as Record<string, unknown>)[key]);
    return out;
  }
  if (proto === Date.prototype) return new Date((value as Date).getTime());
  if (proto === Map.prototype) {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of value as Map<unknown, unknown>) out.set(cloneValue(k), cloneValue(v));
    return out;
  }
  if (proto === Set.prototype) {
    const out = new Set<unknown>();
    for (const v of value as Set<unknown>) out.add(cloneValue(v));
    return out;
  }
  // Buffer#slice is a view, not a copy: Buffer.from copies and keeps the Buffer type.
  if (proto === Buffer.prototype) return Buffer.from(value as Buffer);
  if (proto === Uint8Array.prototype || (proto !== null && TYPED_ARRAY_KIND_BY_PROTO.has(proto))) {
    return (value as Uint8Array).slice();
  }
  throw new MemoryError(
    ErrorCode.SERIALIZATION_ERROR,
    'cloneValue got a class instance the codec cannot store; only cache values that went through serializeData',
  );
}
