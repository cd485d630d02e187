import { pino, type Logger, type LevelWithSilent } from 'pino';

/**
 * A pino logger for Engram's `logger` options (JSON lines on stdout), named `engram`. Pass your
 * own pino logger or a child of it instead when you have one; any object with
 * `debug/info/warn/error(fields, message)` works.
 */
export function createLogger(level: LevelWithSilent = 'info', destination?: pino.DestinationStream): Logger {
  return destination === undefined ? pino({ name: 'engram', level }) : pino({ name: 'engram', level }, destination);
}
