import type { MetadataValue } from '@engram/memory-core';
import type { FilterNode, FilterScalar } from '../filter.js';
import type { StoredMetadata } from '../filter_compiler.js';

type Postings = Map<FilterScalar, Set<number>>;

function valuesOf(value: MetadataValue | undefined): readonly FilterScalar[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function own(metadata: StoredMetadata, field: string): MetadataValue | undefined {
  return Object.hasOwn(metadata, field) ? metadata[field] : undefined;
}

/**
 * Field value → slots, built per field the first time a filter asks for it and then kept in
 * step with every write, so contexts that are never filtered pay nothing for it.
 */
export class MetadataIndex {
  readonly #fields = new Map<string, Postings>();
  readonly #metadata: () => readonly StoredMetadata[];

  constructor(metadata: () => readonly StoredMetadata[]) {
    this.#metadata = metadata;
  }

  get indexedFields(): number {
    return this.#fields.size;
  }

  #postings(field: string): Postings {
    let postings = this.#fields.get(field);
    if (!postings) {
      postings = new Map();
      const rows = this.#metadata();
      for (let slot = 0; slot < rows.length; slot++) addTo(postings, valuesOf(own(rows[slot] as StoredMetadata, field)), slot);
      this.#fields.set(field, postings);
    }
    return postings;
  }

  add(slot: number, metadata: StoredMetadata): void {
    for (const [field, postings] of this.#fields) addTo(postings, valuesOf(own(metadata, field)), slot);
  }

  remove(slot: number, metadata: StoredMetadata): void {
    for (const [field, postings] of this.#fields) {
      for (const value of valuesOf(own(metadata, field))) {
        const set = postings.get(value);
        if (!set) continue;
        set.delete(slot);
        if (set.size === 0) postings.delete(value);
      }
    }
  }

  /** The record at `from` now lives at `to` (swap-with-last delete). */
  move(from: number, to: number, metadata: StoredMetadata): void {
    this.remove(from, metadata);
    this.add(to, metadata);
  }

  /**
   * An upper bound on how many rows can match, when the index can tell (`eq`, `in`, and `and`/`or`
   * of those); undefined when only a scan can.
   */
  estimate(node: FilterNode): number | undefined {
    switch (node.op) {
      case 'eq':
        return this.#postings(node.field).get(node.value)?.size ?? 0;
      case 'in': {
        const postings = this.#postings(node.field);
        let total = 0;
        for (const value of node.values) total += postings.get(value)?.size ?? 0;
        return total;
      }
      case 'and': {
        let best: number | undefined;
        for (const child of node.children) {
          const e = this.estimate(child);
          if (e !== undefined && (best === undefined || e < best)) best = e;
        }
        return best;
      }
      case 'or': {
        let total = 0;
        for (const child of node.children) {
          const e = this.estimate(child);
          if (e === undefined) return undefined;
          total += e;
        }
        return total;
      }
      default:
        return undefined;
    }
  }

  /** A superset of the matching slots (call after `estimate` returned a number). The caller re-checks the filter. */
  candidates(node: FilterNode): Iterable<number> {
    switch (node.op) {
      case 'eq':
        return this.#postings(node.field).get(node.value) ?? [];
      case 'in':
        return this.#union(node.values.map((value) => this.#postings(node.field).get(value) ?? new Set<number>()));
      case 'and': {
        let best: FilterNode | undefined;
        let bestSize = Number.POSITIVE_INFINITY;
        for (const child of node.children) {
          const e = this.estimate(child);
          if (e !== undefined && e < bestSize) {
            best = child;
            bestSize = e;
          }
        }
        if (!best) throw new Error('candidates() called for a filter the index cannot answer');
        return this.candidates(best);
      }
      case 'or':
        return this.#union(node.children.map((child) => this.candidates(child)));
      default:
        throw new Error('candidates() called for a filter the index cannot answer');
    }
  }

  #union(parts: Iterable<number>[]): Iterable<number> {
    if (parts.length === 1) return parts[0] as Iterable<number>;
    const out = new Set<number>();
    for (const part of parts) for (const slot of part) out.add(slot);
    return out;
  }
}

function addTo(postings: Postings, values: readonly FilterScalar[], slot: number): void {
  for (const value of values) {
    let set = postings.get(value);
    if (!set) postings.set(value, (set = new Set()));
    set.add(slot);
  }
}
