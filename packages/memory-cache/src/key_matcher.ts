import { invalidArgument } from '@engram/memory-core';
import { compilePattern } from '@engram/memory-utils';

/**
 * A predicate over keys for a glob (`*`, `?`, `\` escapes), compiled once. It is only ever
 * applied to keys, never to context ids, so a pattern cannot reach into another context.
 * An empty pattern could match no key at all: it is refused as a likely mistake.
 */
export function keyMatcher(pattern: unknown): (key: string) => boolean {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw invalidArgument('pattern must be a non-empty glob string such as "user:*" (use "*" for every key)', { field: 'pattern' });
  }
  return compilePattern(pattern);
}
