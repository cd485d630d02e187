/** What one process tells the others when cached entries become stale. Keys, never values. */
export type InvalidationMessage =
  | { type: 'keys'; contextId: string; keys: string[] }
  | { type: 'context'; contextId: string }
  | { type: 'pattern'; contextId: string | undefined; pattern: string }
  | { type: 'all' };

/** Cross-process cache coherence (implemented over Redis pub/sub in @engram/memory-redis). */
export interface InvalidationBus {
  publish(message: InvalidationMessage): Promise<void>;
  subscribe(handler: (message: InvalidationMessage) => void): () => void;
  close(): Promise<void>;
}
