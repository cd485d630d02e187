/**
 * The k best (score, slot) pairs seen so far: a min-heap on score in typed arrays, so a
 * scan over 100k rows allocates nothing per row and rejects most rows with one compare.
 */
export class TopK {
  readonly capacity: number;
  size = 0;
  readonly #scores: Float64Array;
  readonly #slots: Int32Array;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#scores = new Float64Array(Math.max(1, capacity));
    this.#slots = new Int32Array(Math.max(1, capacity));
  }

  /** The score a row must beat to enter: -Infinity until the heap is full. */
  get threshold(): number {
    return this.size < this.capacity ? Number.NEGATIVE_INFINITY : (this.#scores[0] as number);
  }

  push(score: number, slot: number): void {
    const scores = this.#scores;
    const slots = this.#slots;
    if (this.size < this.capacity) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if ((scores[parent] as number) <= score) break;
        scores[i] = scores[parent] as number;
        slots[i] = slots[parent] as number;
        i = parent;
      }
      scores[i] = score;
      slots[i] = slot;
      return;
    }
    if (this.capacity === 0 || score <= (scores[0] as number)) return;
    // Replace the root and sift down.
    const n = this.size;
    let i = 0;
    while (true) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && (scores[right] as number) < (scores[left] as number) ? right : left;
      if ((scores[child] as number) >= score) break;
      scores[i] = scores[child] as number;
      slots[i] = slots[child] as number;
      i = child;
    }
    scores[i] = score;
    slots[i] = slot;
  }

  /** Entries best first. */
  sorted(): Array<{ score: number; slot: number }> {
    const out: Array<{ score: number; slot: number }> = [];
    for (let i = 0; i < this.size; i++) out.push({ score: this.#scores[i] as number, slot: this.#slots[i] as number });
    return out.sort((a, b) => b.score - a.score);
  }
}
