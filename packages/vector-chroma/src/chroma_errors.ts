import { ChromaConnectionError, ChromaForbiddenError, ChromaNotFoundError, ChromaUnauthorizedError } from 'chromadb';
import { ErrorCode, MemoryError } from '@engram/memory-core';

/**
 * A copy of a client error that keeps its name and message (with every secret replaced) and
 * nothing else: client errors can hold request objects, and those hold the auth header.
 */
export function sanitizedCause(error: unknown, secrets: readonly string[]): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  let message = source.message;
  for (const secret of secrets) if (secret) message = message.split(secret).join('[redacted]');
  const copy = new Error(message);
  copy.name = source.name;
  copy.stack = `${copy.name}: ${message}`;
  return copy;
}

/** Maps a chromadb client failure to a MemoryError whose message says what to do next. */
export function chromaError(error: unknown, action: string, displayUrl: string, secrets: readonly string[]): MemoryError {
  if (error instanceof MemoryError) return error;
  const cause = sanitizedCause(error, secrets);
  const details = { backend: 'chroma', action, server: displayUrl };
  if (error instanceof ChromaConnectionError || /ECONNREFUSED|fetch failed|Failed to connect/i.test(cause.message)) {
    return new MemoryError(
      ErrorCode.CONNECTION_ERROR,
      `cannot reach the Chroma server at ${displayUrl} while ${action}; start it (chroma run --path DIR --port PORT) or fix apiUrl`,
      { cause, details },
    );
  }
  if (error instanceof ChromaUnauthorizedError || error instanceof ChromaForbiddenError) {
    return new MemoryError(ErrorCode.CONFIG_ERROR, `the Chroma server at ${displayUrl} refused the credentials while ${action}; check apiKey and backendOptions.authHeader`, {
      cause,
      details,
    });
  }
  return new MemoryError(ErrorCode.VECTOR_DB_ERROR, `Chroma failed while ${action}; see the cause, and check the server log at ${displayUrl}`, {
    cause,
    details,
  });
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ChromaNotFoundError;
}
