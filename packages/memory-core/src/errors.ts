/** Stable error codes: match on these, never on messages. */
export const ErrorCode = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  SERIALIZATION_ERROR: 'SERIALIZATION_ERROR',
  CONNECTION_ERROR: 'CONNECTION_ERROR',
  TIMEOUT: 'TIMEOUT',
  LOCK_ERROR: 'LOCK_ERROR',
  VECTOR_DB_ERROR: 'VECTOR_DB_ERROR',
  BACKEND_ERROR: 'BACKEND_ERROR',
  CONFIG_ERROR: 'CONFIG_ERROR',
  CLOSED: 'CLOSED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface MemoryErrorOptions {
  cause?: unknown;
  /** Machine-readable facts about the failure (field names, limits). Never values or secrets. */
  details?: Record<string, unknown>;
}

/** The one error type Engram throws. `code` is stable; `message` says what to do next. */
export class MemoryError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: MemoryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MemoryError';
    this.code = code;
    this.details = options.details;
  }
}

export function isMemoryError(error: unknown, code?: ErrorCode): error is MemoryError {
  return error instanceof MemoryError && (code === undefined || error.code === code);
}

export function invalidArgument(message: string, details?: Record<string, unknown>): MemoryError {
  return new MemoryError(ErrorCode.INVALID_ARGUMENT, message, { details });
}
