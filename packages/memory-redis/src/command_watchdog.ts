import type { Redis } from 'ioredis';

/** What the watchdog reads of an ioredis command queue (a denque of `{ command }`). */
interface CommandQueue {
  readonly length: number;
  peekAt(index: number): { command: { reject(error: Error): void } } | undefined;
}

/**
 * Command timeouts for pooled connections, without a timer per command.
 *
 * ioredis's own `commandTimeout` arms a ref'd `setTimeout` for every command and clears it on the
 * reply. On a 2-core host that costs about 9 µs per awaited command (a loopback `SET` goes from
 * ~72 to ~81 µs; an unref'd timer costs ~2.5 µs, none costs nothing), i.e. a tenth of every
 * round trip. Here one unref'd interval per pool looks at the commands still waiting, in flight
 * or queued offline, and rejects each one seen waiting for `timeoutMs` with the error ioredis
 * itself would raise ("Command timed out"), so the error mapping is the same. A command is
 * rejected between `timeoutMs` and `timeoutMs + 2 × tick` after it was sent (tick = timeoutMs / 8,
 * at most 1 s), and its late reply, if one comes, is dropped by ioredis as for its own timeout.
 *
 * `commandQueue` is public in ioredis's typings; `offlineQueue` is private there, so it is read
 * defensively: a missing queue is skipped rather than trusted.
 */
export function watchCommands(clients: readonly Redis[], timeoutMs: number): () => void {
  const firstSeen = new WeakMap<object, number>();
  const sweep = (queue: CommandQueue | undefined, now: number) => {
    if (queue === undefined || typeof queue.peekAt !== 'function') return;
    for (let i = 0; i < queue.length; i++) {
      const command = queue.peekAt(i)?.command;
      if (command === undefined) continue;
      const seen = firstSeen.get(command);
      if (seen === undefined) firstSeen.set(command, now);
      else if (now - seen >= timeoutMs) command.reject(new Error('Command timed out'));
    }
  };
  const tick = Math.min(1_000, Math.max(5, Math.floor(timeoutMs / 8)));
  const timer = setInterval(() => {
    const now = Date.now();
    for (const client of clients) {
      const queues = client as unknown as { commandQueue?: CommandQueue; offlineQueue?: CommandQueue };
      sweep(queues.commandQueue, now);
      sweep(queues.offlineQueue, now);
    }
  }, tick);
  timer.unref();
  return () => clearInterval(timer);
}
