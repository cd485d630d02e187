import { invalidArgument } from '@engram/memory-core';
import { validateId } from './validate.js';

/**
 * Characters Redis (and most backends) would interpret in a key: glob syntax, the hash-tag
 * braces, our `:` separator and `%` itself. Percent-encoding them makes every id plain data.
 */
const SPECIAL = /[%:{}*?[\]\\\s]/gu;

const encoder = new TextEncoder();
/** Escapes already computed: keys like `turn:1` hit the same few characters on every call. */
const escapes = new Map<string, string>();

function percentEncode(ch: string): string {
  let out = escapes.get(ch);
  if (out === undefined) {
    out = '';
    for (const b of encoder.encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    // Whitespace is the only open-ended class here; cap the table so odd input cannot grow it.
    if (escapes.size < 256) escapes.set(ch, out);
  }
  return out;
}

export function escapeKeyPart(part: string): string {
  SPECIAL.lastIndex = 0;
  return SPECIAL.test(part) ? part.replace(SPECIAL, percentEncode) : part;
}

export function unescapeKeyPart(part: string): string {
  return decodeURIComponent(part);
}

/** Backslash-escapes glob characters so a literal string can sit inside a Redis MATCH pattern. */
export function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, (ch) => `\\${ch}`);
}

export function validatePrefix(prefix: unknown): asserts prefix is string {
  validateId(prefix, 'keyPrefix');
  if (/[{}]/.test(prefix)) {
    throw invalidArgument('keyPrefix must not contain "{" or "}": they would change the Redis Cluster hash slot', {
      field: 'keyPrefix',
    });
  }
}

/**
 * `{prefix}:m:{<context>}:<key>`. The context is the hash tag, so all keys of one context share
 * one Redis Cluster slot; escaping guarantees the tag ends where the context ends.
 */
export function generateMemoryKey(key: string, contextId: string, prefix = 'engram'): string {
  validateId(key, 'key');
  validateId(contextId, 'contextId');
  return `${prefix}:m:{${escapeKeyPart(contextId)}}:${escapeKeyPart(key)}`;
}

/** `{prefix}:v:{<context>}:<id>`, in the same slot as the context's memory keys. */
export function generateVectorKey(vectorId: string, contextId: string, prefix = 'engram'): string {
  validateId(vectorId, 'vectorId');
  validateId(contextId, 'contextId');
  return `${prefix}:v:{${escapeKeyPart(contextId)}}:${escapeKeyPart(vectorId)}`;
}

/** One string that identifies (contextId, key) unambiguously, for in-process maps. */
export function compositeKey(key: string, contextId: string): string {
  return `${contextId.length}:${contextId}${key}`;
}
