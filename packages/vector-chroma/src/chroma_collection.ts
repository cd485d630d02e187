import { createHash } from 'node:crypto';
import type { Collection } from 'chromadb';
import { ErrorCode, MemoryError, invalidArgument } from '@engram/memory-core';
import type { CollectionSpec } from '@engram/vector-core';

/** Collection metadata that marks a collection as ours and records its embedding space. */
const LAYOUT_VERSION = 1;
const META = { layout: 'engram:layout', model: 'engram:model', dimension: 'engram:dimension' } as const;

export function collectionMetadata(spec: CollectionSpec): Record<string, string | number> {
  return { [META.layout]: LAYOUT_VERSION, [META.model]: spec.model, [META.dimension]: spec.dimension };
}

/** `<name>-ctx-<128-bit hash>` for a context with a collection of its own: Chroma names allow only [a-zA-Z0-9._-]. */
export function contextCollectionName(base: string, contextId: string): string {
  return `${base}-ctx-${createHash('sha256').update(contextId).digest('hex').slice(0, 32)}`;
}

/**
 * Chroma wants 3+ characters ending in a letter or digit; Engram allows `a` or `x_`. Such names get
 * `-c` appended: Engram names never contain `-`, so this cannot meet another collection's name.
 */
export function chromaName(name: string): string {
  return name.length >= 3 && /[a-zA-Z0-9]$/.test(name) ? name : `${name}-c`;
}

export function checkDimension(vector: Float32Array, spec: CollectionSpec, field: string): void {
  if (vector.length !== spec.dimension) {
    throw invalidArgument(`${field} has ${vector.length} dimensions; collection "${spec.name}" holds ${spec.dimension}`, { field });
  }
}

/** Refuses a same-named collection of another dimension, distance or owner instead of writing wrong data into it. */
export function checkCollection(collection: Collection, spec: CollectionSpec): void {
  const meta = collection.metadata ?? {};
  const details = { collection: collection.name };
  if (meta[META.layout] !== LAYOUT_VERSION) {
    throw new MemoryError(
      ErrorCode.CONFIG_ERROR,
      `Chroma collection "${collection.name}" was not created by Engram (layout ${LAYOUT_VERSION}); use another collection name`,
      { details },
    );
  }
  if (meta[META.dimension] !== spec.dimension) {
    throw new MemoryError(
      ErrorCode.CONFIG_ERROR,
      `Chroma collection "${collection.name}" holds ${String(meta[META.dimension])}-dimensional vectors but this store embeds ${spec.dimension}; ` +
        'use the embedder the collection was built with, or another collection name',
      { details: { ...details, expected: meta[META.dimension], actual: spec.dimension } },
    );
  }
  const space = (collection.configuration as { hnsw?: { space?: string } | null } | undefined)?.hnsw?.space;
  if (space !== undefined && space !== 'cosine') {
    throw new MemoryError(ErrorCode.CONFIG_ERROR, `Chroma collection "${collection.name}" uses the ${space} distance; Engram needs cosine, use another collection name`, {
      details,
    });
  }
}

