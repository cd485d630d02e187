import { invalidArgument } from '@engram/memory-core';
import { charCodeAt, sliceString } from './string_methods.js';
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

/** ASCII code → its escape, for the ASCII characters SPECIAL matches; undefined for the rest. */
const ASCII_ESCAPES: ReadonlyArray<string | undefined> = Array.from({ length: 128 }, (_, c) => {
  const ch = String.fromCharCode(c);
  SPECIAL.lastIndex = 0;
  return SPECIAL.test(ch) ? percentEncode(ch) : undefined;
});

/**
 * `part` with SPECIAL characters percent-encoded. ASCII ids (nearly all) go through a table in
 * one pass, without a regex or a replace callback per call: every load, save and bulk key goes
 * through here. Ids with other characters take the regex, whose `\s` covers Unicode spaces.
 */
export function escapeKeyPart(part: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < part.length; i++) {
    const c = charCodeAt(part, i);
    if (c >= 128) return escapeWithRegex(part);
    const escaped = ASCII_ESCAPES[c];
    if (escaped === undefined) continue;
    out += sliceString(part, from, i) + escaped;
    from = i + 1;
  }
  return from === 0 ? part : out + sliceString(part, from);
}

function escapeWithRegex(part: string): string {
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
