import { ErrorCode, MemoryError } from '@engram/memory-core';

/**
 * Runs `op` on every server and resolves with the first majority of results, without waiting
 * for the rest (a dead server may take its whole timeout to fail). Rejects once a majority can
 * no longer be reached, or after `timeoutMs`.
 */
export function onQuorum<C, T>(servers: readonly C[], op: (server: C) => Promise<T>, timeoutMs: number, what: string): Promise<T[]> {
  const need = Math.floor(servers.length / 2) + 1;
  return new Promise((resolve, reject) => {
    const results: T[] = [];
    let failed = 0;
    let settled = false;
    const finish = (error?: MemoryError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error === undefined) resolve(results.slice());
      else reject(error);
    };
    const timer = setTimeout(
      () => finish(new MemoryError(ErrorCode.LOCK_ERROR, `${what}: fewer than ${need} of ${servers.length} Redis servers answered within ${timeoutMs} ms; check that they are reachable`)),
      timeoutMs,
    );
    for (const server of servers) {
      Promise.resolve()
        .then(() => op(server))
        .then(
          (result) => {
            results.push(result);
            if (results.length === need) finish();
          },
          () => {
            failed++;
            if (failed > servers.length - need) {
              finish(new MemoryError(ErrorCode.LOCK_ERROR, `${what}: ${failed} of ${servers.length} Redis servers failed, a majority is needed; check that they are reachable`));
            }
          },
        );
    }
  });
}
