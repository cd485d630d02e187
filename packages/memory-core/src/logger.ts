import { createHash } from 'node:crypto';
import { invalidArgument } from './errors.js';

type LogMethod = (fields: Record<string, unknown>, message: string) => void;

/**
 * What Engram logs through: pino's shape (`logger.warn({ op }, 'message')`), so a pino logger, or
 * a child of one, plugs in as is. Every component's `logger` option defaults to none (silent).
 * Engram never logs values, passwords or secrets, and logs keys and context ids only as `logId`
 * hashes.
 */
export interface EngramLogger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  /** pino has it: when present, Engram skips building debug fields the logger would drop. */
  isLevelEnabled?: (level: string) => boolean;
}

/**
 * A short, stable pseudonym for a key or context id in logs: the first 12 hex digits of its
 * SHA-256. Context ids are often user ids (personal data): the hash lets you follow one context
 * through the logs of every process without writing the id itself. It is not anonymisation: an
 * id from a small or guessable set can be found again by hashing candidates.
 */
export function logId(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 12);
}

/** Checks a `logger` option: undefined or null stays silent; anything else must have the four methods. */
export function checkLogger(logger: unknown): EngramLogger | undefined {
  if (logger === undefined || logger === null) return undefined;
  const l = logger as Partial<EngramLogger>;
  if (typeof l.debug !== 'function' || typeof l.info !== 'function' || typeof l.warn !== 'function' || typeof l.error !== 'function') {
    throw invalidArgument('logger must have debug, info, warn and error methods taking (fields, message), e.g. a pino logger', {
      field: 'logger',
    });
  }
  return logger as EngramLogger;
}

/** True when `logger` would write a debug line (always, for loggers without `isLevelEnabled`). */
export function debugEnabled(logger: EngramLogger | undefined): logger is EngramLogger {
  return logger !== undefined && (logger.isLevelEnabled === undefined || logger.isLevelEnabled('debug'));
}
