/** One context of a collection: its ids and the labels holding them. */
export interface ContextEntry {
  readonly name: string;
  /** What the label table stores per label; compared with `===` inside the graph search. */
  readonly ordinal: number;
  /** id → label. Its size is the context's count; its values are the exact-scan candidates. */
  readonly labels: Map<string, number>;
}

/**
 * Context names ↔ small integer ordinals. The filter callback hnswlib calls for every candidate
 * compares one Int32Array cell with one number, never a string. A context costs one map entry
 * and one small Map of its ids, so 10,000 small contexts cost what their records cost.
 */
export class ContextTable {
  readonly #byName = new Map<string, ContextEntry>();
  #nextOrdinal = 0;

  get size(): number {
    return this.#byName.size;
  }

  get(name: string): ContextEntry | undefined {
    return this.#byName.get(name);
  }

  getOrCreate(name: string): ContextEntry {
    let entry = this.#byName.get(name);
    if (!entry) {
      entry = { name, ordinal: this.#nextOrdinal++, labels: new Map() };
      this.#byName.set(name, entry);
    }
    return entry;
  }

  /** Forgets an empty context, so contexts that come and go do not accumulate. */
  dropIfEmpty(entry: ContextEntry): void {
    if (entry.labels.size === 0 && this.#byName.get(entry.name) === entry) this.#byName.delete(entry.name);
  }

  delete(name: string): void {
    this.#byName.delete(name);
  }

  clear(): void {
    this.#byName.clear();
  }

  values(): IterableIterator<ContextEntry> {
    return this.#byName.values();
  }
}
