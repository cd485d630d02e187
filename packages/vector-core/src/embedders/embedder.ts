/**
 * Turns texts into vectors of one fixed dimension. `model` names the vector space: two
 * embedders with the same model and dimension must return the same vector for the same text
 * (caches and collections are keyed by it), so a changed algorithm needs a new model name.
 */
export interface Embedder {
  readonly model: string;
  readonly dimension: number;
  /** One vector per text, in order. Need not be normalised; the store normalises. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}
