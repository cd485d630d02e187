import { ErrorCode, MemoryError } from '@engram/memory-core';
import { MAX_DEPTH, TYPED_ARRAY_KIND_BY_PROTO } from './codec_types.js';
import { UNENCODABLE } from './msgpack_writer.js';

/**
 * Turns a failure inside an encoder into the MemoryError callers see. `details` names the
 * operation or format, never the value.
 */
export function unencodableError(value: unknown, error: unknown, details: Record<string, unknown>): MemoryError {
  if (error instanceof MemoryError) return error;
  if (error === UNENCODABLE || isStackOverflow(error)) {
    let problem: string | undefined;
    try {
      problem = findUnencodable(value);
    } catch {
      problem = undefined; // the stack ran out again: the caller is already deep
    }
    // Nothing wrong with the value means the stack, not the value, ran out.
    const message = problem ?? 'the value could not be encoded because the call stack ran out; flatten it or encode it from a shallower call';
    return new MemoryError(ErrorCode.SERIALIZATION_ERROR, message, { details });
  }
  // A getter or proxy trap of the caller's threw, or memory ran out: keep the error as the cause.
  return new MemoryError(ErrorCode.SERIALIZATION_ERROR, 'encoding the value failed (a getter threw, or it is too large); see the cause', {
    cause: error,
    details,
  });
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

/**
 * The slow, precise twin of MsgpackWriter's checks: run only after encoding failed, it
 * walks the value again tracking the path and the ancestors, and says what is wrong where,
 * e.g. `value.user.callback is a function`. Messages name paths and types, never values.
 */
export function findUnencodable(value: unknown, root = 'value'): string | undefined {
  return visit(value, root, [], 0);
}

function visit(value: unknown, path: string, ancestors: object[], depth: number): string | undefined {
  switch (typeof value) {
    case 'function':
      return `${path} is a function; store plain data and rebuild behaviour after loading`;
    case 'symbol':
      return `${path} is a symbol; store a string instead`;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return undefined;
  const index = ancestors.indexOf(value);
  if (index !== -1) {
    return `${path} is a cyclic reference to ${index === 0 ? 'the value itself' : 'one of its parents'}; store a tree (replace back references with ids)`;
  }
  if (depth >= MAX_DEPTH) return `${path} is nested deeper than ${MAX_DEPTH} levels; flatten the value`;
  ancestors.push(value);
  const problem = visitChildren(value, path, ancestors, depth + 1);
  ancestors.pop();
  return problem;
}

function visitChildren(value: object, path: string, ancestors: object[], depth: number): string | undefined {
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) return `${path} is an Array subclass; store a plain array`;
    for (let i = 0; i < value.length; i++) {
      const problem = visit(value[i], `${path}[${i}]`, ancestors, depth);
      if (problem) return problem;
    }
    return undefined;
  }
  if (proto === Object.prototype || proto === null) {
    for (const key of Object.keys(value)) {
      const problem = visit((value as Record<string, unknown>)[key], `${path}${property(key)}`, ancestors, depth);
      if (problem) return problem;
    }
    return undefined;
  }
  if (proto === Date.prototype) {
    return Number.isNaN((value as Date).getTime()) ? `${path} is an invalid Date; store null instead` : undefined;
  }
  if (proto === Map.prototype) {
    let i = 0;
    for (const [k, v] of value as Map<unknown, unknown>) {
      const problem = visit(k, `${path}<key ${i}>`, ancestors, depth) ?? visit(v, `${path}<entry ${i}>`, ancestors, depth);
      if (problem) return problem;
      i++;
    }
    return undefined;
  }
  if (proto === Set.prototype) {
    let i = 0;
    for (const v of value as Set<unknown>) {
      const problem = visit(v, `${path}<item ${i++}>`, ancestors, depth);
      if (problem) return problem;
    }
    return undefined;
  }
  if (proto === Uint8Array.prototype || proto === Buffer.prototype || (proto !== null && TYPED_ARRAY_KIND_BY_PROTO.has(proto))) {
    return undefined;
  }
  return `${path} is ${describeInstance(value)}, which cannot be stored faithfully; store plain objects, arrays, Map, Set, Date, BigInt or typed arrays (e.g. convert it with a toJSON-like method before saving)`;
}

function describeInstance(value: object): string {
  const name = typeof (value as { constructor?: unknown }).constructor === 'function'
    ? (value as { constructor: { name?: string } }).constructor.name
    : undefined;
  return name ? `a ${name} instance` : 'an object with a custom prototype';
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `.name` for identifiers, `["odd key"]` otherwise; long keys are cut so messages stay short. */
function property(key: string): string {
  if (IDENTIFIER.test(key) && key.length <= 64) return `.${key}`;
  const shown = key.length > 64 ? `${key.slice(0, 64)}…` : key;
  return `[${JSON.stringify(shown)}]`;
}
