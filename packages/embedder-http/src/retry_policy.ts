/** When to try a failed request again, and how long to wait first. */
export interface RetryPolicy {
  /** Attempts after the first. */
  maxRetries: number;
  /** First backoff; doubles per attempt. */
  baseDelayMs: number;
  /** Longest wait, for backoff and for a server's Retry-After alike. */
  maxDelayMs: number;
}

/** 429 and 5xx are the server saying "not now"; other statuses will not change on a retry. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/**
 * Retry-After in milliseconds: whole seconds ("2") or an HTTP date. Undefined when absent or
 * unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Exponential backoff with half jitter, so many clients refused together do not return together. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return full / 2 + (random() * full) / 2;
}
