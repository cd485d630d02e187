import { createHash } from 'node:crypto';

/** Our UUID namespace for point ids (a fixed random UUID; changing it would orphan stored points). */
export const POINT_ID_NAMESPACE = '3f0c5c8e-8a4d-4b8e-9f3e-6d1f2a7b9c01';

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** RFC 9562 UUID version 5: SHA-1 of namespace + name, with the version and variant bits set. */
export function uuidV5(name: string, namespace = POINT_ID_NAMESPACE): string {
  const digest = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return formatUuid(bytes);
}

/**
 * Qdrant point ids are unsigned integers or UUIDs, and unique per collection, while ours are any
 * string and unique per context: the point id is derived from both, deterministically, so an
 * upsert replaces and a delete finds the same point without a lookup. The JSON array keeps
 * (context, id) pairs apart that a plain concatenation would merge ("a" + "bc" vs "ab" + "c").
 */
export function pointId(contextId: string, id: string): string {
  return uuidV5(JSON.stringify([contextId, id]));
}
