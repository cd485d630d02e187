import type { MetadataValue } from '@engram/memory-core';
import type { FilterNode, FilterScalar } from './filter.js';

/** Metadata as a backend stores it: the caller's fields plus `text`. */
export type StoredMetadata = Readonly<Record<string, MetadataValue>>;
export type MetadataPredicate = (metadata: StoredMetadata) => boolean;

/**
 * Reads a field without ever returning something inherited: for names such as `constructor`
 * or `__proto__` a plain lookup would find Object.prototype's members.
 */
function getter(field: string): (m: StoredMetadata) => MetadataValue | undefined {
  if (field in Object.prototype) return (m) => (Object.hasOwn(m, field) ? m[field] : undefined);
  return (m) => m[field];
}

/** `has` is built once per compiled filter: a closure made per row cost ~300 ns of a ~20 ns test. */
function containsAny(value: MetadataValue | undefined, has: (v: FilterScalar) => boolean): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (has(item)) return true;
    return false;
  }
  return has(value);
}

/** Turns a validated filter into one closure tree, built once per search and run per candidate row. */
export function compileFilter(node: FilterNode): MetadataPredicate {
  switch (node.op) {
    case 'and': {
      const parts = node.children.map(compileFilter);
      if (parts.length === 0) return () => true;
      if (parts.length === 1) return parts[0] as MetadataPredicate;
      if (parts.length === 2) {
        const [a, b] = parts as [MetadataPredicate, MetadataPredicate];
        return (m) => a(m) && b(m);
      }
      return (m) => parts.every((p) => p(m));
    }
    case 'or': {
      const parts = node.children.map(compileFilter);
      return (m) => parts.some((p) => p(m));
    }
    case 'not': {
      const inner = compileFilter(node.child);
      return (m) => !inner(m);
    }
    case 'eq':
    case 'ne': {
      const get = getter(node.field);
      const wanted = node.value;
      const eq = (m: StoredMetadata) => {
        const v = get(m);
        return v === wanted || (Array.isArray(v) && v.includes(wanted as string));
      };
      return node.op === 'eq' ? eq : (m) => !eq(m);
    }
    case 'in':
    case 'nin': {
      const get = getter(node.field);
      const values = node.values;
      const set = new Set(values);
      const has = values.length > 8 ? (v: FilterScalar) => set.has(v) : (v: FilterScalar) => values.includes(v);
      return node.op === 'in' ? (m) => containsAny(get(m), has) : (m) => !containsAny(get(m), has);
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const get = getter(node.field);
      const bound = node.value;
      const test = {
        gt: (v: number) => v > bound,
        gte: (v: number) => v >= bound,
        lt: (v: number) => v < bound,
        lte: (v: number) => v <= bound,
      }[node.op];
      return (m) => {
        const v = get(m);
        return typeof v === 'number' && test(v);
      };
    }
    case 'exists': {
      const get = getter(node.field);
      const want = node.value;
      return (m) => {
        const v = get(m);
        return (v !== undefined && v !== null) === want;
      };
    }
  }
}
