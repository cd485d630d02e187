import { ErrorCode, MemoryError } from '@engram/memory-core';

/** The HTTP status of a failed client call, when the server answered. */
export function statusOf(error: unknown): number | undefined {
  const e = error as { status?: unknown; message?: unknown } | null;
  if (typeof e?.status === 'number') return e.status;
  const match = typeof e?.message === 'string' ? /Unexpected Response: (\d{3})/.exec(e.message) : null;
  return match ? Number(match[1]) : undefined;
}

/** Qdrant's own explanation (`status.error` in the body), when the server sent one. */
function serverReason(error: unknown): string | undefined {
  const data = (error as { data?: { status?: { error?: unknown } } } | null)?.data;
  const reason = data?.status?.error;
  return typeof reason === 'string' ? reason : undefined;
}

/**
 * A copy of a client error that keeps its name, message and the server's reason (with every
 * secret replaced) and nothing else: client errors can hold request headers, and those hold the key.
 */
export function sanitizedCause(error: unknown, secrets: readonly string[]): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const nested = (source as { cause?: { code?: unknown; message?: unknown } }).cause;
  const parts = [source.message, serverReason(error), typeof nested?.code === 'string' ? nested.code : undefined];
  let message = parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(': ');
  for (const secret of secrets) if (secret) message = message.split(secret).join('[redacted]');
  const copy = new Error(message);
  copy.name = source.name;
  copy.stack = `${copy.name}: ${message}`;
  return copy;
}

/** Maps a Qdrant client failure to a MemoryError whose message says what to do next. */
export function qdrantError(error: unknown, action: string, displayUrl: string, secrets: readonly string[]): MemoryError {
  if (error instanceof MemoryError) return error;
  const cause = sanitizedCause(error, secrets);
  const status = statusOf(error);
  const details = { backend: 'qdrant', action, server: displayUrl, status: status ?? null };
  if (status === undefined && /fetch failed|ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|socket|TimeoutError|aborted/i.test(`${cause.name} ${cause.message}`)) {
    return new MemoryError(ErrorCode.CONNECTION_ERROR, `cannot reach the Qdrant server at ${displayUrl} while ${action}; start it or fix apiUrl`, {
      cause,
      details,
    });
  }
  if (status === 401 || status === 403) {
    return new MemoryError(ErrorCode.CONFIG_ERROR, `the Qdrant server at ${displayUrl} refused the API key while ${action}; check apiKey`, { cause, details });
  }
  return new MemoryError(ErrorCode.VECTOR_DB_ERROR, `Qdrant failed while ${action}${status ? ` (HTTP ${status})` : ''}; see the cause`, { cause, details });
}
