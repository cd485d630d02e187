import type { ManagerEvents, ManagerOp } from './manager_events.js';

type Method = (...args: unknown[]) => Promise<unknown>;

const string = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const field = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null ? string((value as { contextId?: unknown }).contextId) : undefined;

/** Where each public method takes its context id (for the `operation` and `error` payloads). */
const CONTEXT_OF: Record<ManagerOp, (args: unknown[]) => string | undefined> = {
  load: (a) => string(a[1]),
  save: (a) => string(a[1]),
  delete: (a) => string(a[1]),
  exists: (a) => string(a[1]),
  bulkLoad: (a) => string(a[1]),
  bulkSave: (a) => string(a[1]),
  clear: (a) => string(a[0]),
  withCache: (a) => string(a[2]),
  withBulkCache: (a) => string(a[2]),
  invalidateCache: (a) => field(a[0]),
  storeVector: (a) => field(a[2]),
  storeVectors: (a) => field(a[1]),
  searchVectors: (a) => field(a[1]),
  deleteVectors: (a) => string(a[1]),
};

const OPS = Object.keys(CONTEXT_OF) as ManagerOp[];

/**
 * While someone listens to `operation` or `error`, each public method of `target` is shadowed by
 * an own property that times it; otherwise the own properties are removed and calls go straight
 * to the prototype. So an unobserved manager runs exactly the untracked code, with no check at all.
 */
export function setTracking(target: object, events: ManagerEvents | undefined): void {
  const self = target as Record<ManagerOp, Method>;
  const proto = Object.getPrototypeOf(target) as Record<ManagerOp, Method>;
  for (const op of OPS) {
    if (events === undefined || !events.tracked) {
      delete self[op];
      continue;
    }
    const method = proto[op];
    const contextOf = CONTEXT_OF[op];
    // Own, writable and configurable, so it can be removed again when the last listener goes.
    Object.defineProperty(target, op, {
      configurable: true,
      writable: true,
      enumerable: false,
      value: (...args: unknown[]) => events.track(op, contextOf(args), () => method.apply(target, args)),
    });
  }
}
