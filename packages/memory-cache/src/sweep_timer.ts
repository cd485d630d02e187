/**
 * Calls `sweep(target)` every `intervalMs` on an unref'd timer (it never keeps the process
 * alive). The timer holds only a WeakRef: a target dropped without being closed is still
 * garbage-collected, and its timer stops. `intervalMs` 0 starts nothing.
 */
export function startSweepTimer<T extends object>(target: T, sweep: (target: T) => void, intervalMs: number): NodeJS.Timeout | undefined {
  if (intervalMs <= 0) return undefined;
  const ref = new WeakRef(target);
  const timer = setInterval(() => {
    const live = ref.deref();
    if (live === undefined) clearInterval(timer);
    else sweep(live);
  }, intervalMs);
  timer.unref();
  return timer;
}
