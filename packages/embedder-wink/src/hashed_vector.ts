/**
 * Deterministic pseudo-random directions for what the vocabulary does not know: the same
 * string gives the same vector on every machine, and two different strings give nearly
 * orthogonal ones (|cos| ~ 0.1 in 100 dimensions), so an unknown name still matches itself.
 */

/** FNV-1a over UTF-16 units, then murmur3's finaliser. */
function hashString(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: small, fast, and identical everywhere (unlike Math.random). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A vector of length `norm` pointing in a direction drawn from `key`. Gaussian components
 * (Box-Muller) make every direction equally likely, so hashed vectors favour no word.
 */
export function hashedVector(key: string, dimension: number, norm: number): Float64Array {
  const random = mulberry32(hashString(key, 0x2545f491) ^ hashString(key, 0x9e3779b9));
  const out = new Float64Array(dimension);
  let sum = 0;
  for (let i = 0; i < dimension; i++) {
    // 1 - random() is in (0, 1], so the logarithm is finite.
    const g = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    out[i] = g;
    sum += g * g;
  }
  const scale = norm / Math.sqrt(sum);
  for (let i = 0; i < dimension; i++) out[i] = (out[i] as number) * scale;
  return out;
}
