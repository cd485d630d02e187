import { ErrorCode, MemoryError, checkLogger, invalidArgument, type EngramLogger } from '@engram/memory-core';

/**
 * Objects the system is built with that are not configuration: they cannot come from the
 * environment, so they stay out of `EngramConfig` (which remains plain, printable data).
 */
export interface MemorySystemOptions {
  /**
   * A pino-shaped logger (`debug/info/warn/error(fields, message)`), e.g. `createLogger('info')`
   * from @engram/memory-metrics. Given to MemoryManager, RedisMemory or SqliteMemory, and the
   * VectorStore. Default none (silent). Never receives values, passwords or raw keys.
   */
  logger?: EngramLogger;
}

export interface ResolvedSystemOptions {
  logger: EngramLogger | undefined;
}

const KNOWN = new Set(['logger']);

/** Checked before anything is opened, so a bad logger leaves no connection behind. */
export function resolveSystemOptions(options: unknown): ResolvedSystemOptions {
  if (options === undefined) return { logger: undefined };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidArgument('createMemorySystem options must be an object such as { logger }', { field: 'options' });
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN.has(name)) throw invalidArgument(`Unknown createMemorySystem option "${name}"; known: ${[...KNOWN].join(', ')}`, { field: name });
  }
  return { logger: checkLogger((options as MemorySystemOptions).logger) };
}

/** `createMemorySystem({ logger })` is an easy slip; resolveConfig alone would only call the field unknown. */
export function rejectLoggerInConfig(input: object | undefined): void {
  if (input !== undefined && input !== null && Object.hasOwn(input, 'logger')) {
    throw new MemoryError(
      ErrorCode.CONFIG_ERROR,
      'config.logger is not configuration: pass it as the second argument, createMemorySystem(config, { logger }) (or createMemorySystem(undefined, { logger }) to read the environment)',
      { details: { field: 'logger' } },
    );
  }
}
