/** What one process tells the others when cached entries become stale. Keys, never values. */
export type InvalidationMessage =
  | { type: 'keys'; contextId: string; keys: string[] }
  | { type: 'context'; contextId: string }
  | { type: 'pattern'; contextId: string | undefined; pattern: string }
  | { type: 'all' };

/** `connected`: messages from other processes are being received; `disconnected`: some may be missed. */
export type InvalidationBusState = 'connected' | 'disconnected';

/** Cross-process cache coherence (implemented over Redis pub/sub in @engram/memory-redis). */
export interface InvalidationBus {
  /** Tells every other subscriber; the publishing bus itself does not receive it. */
  publish(message: InvalidationMessage): Promise<void>;
  subscribe(handler: (message: InvalidationMessage) => void): () => void;
  /**
   * Optional: the receiving side's state now. A cache must not trust what it holds for long
   * while `disconnected`, since invalidations may be missed. Busses without it count as connected.
   */
  readonly state?: InvalidationBusState;
  /** Optional: called on every change of `state`. Returns the unsubscribe function. */
  onStateChange?(listener: (state: InvalidationBusState) => void): () => void;
  close(): Promise<void>;
}
