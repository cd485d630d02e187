import { ErrorCode, MemoryError } from '@engram/memory-core';

interface ClusterFailure {
  /** The Redis error code at the start of the message, if any. */
  redisCode: string | undefined;
  /** The redacted message. */
  message: string;
  /** `Redis at <target>`. */
  at: string;
  operation: string;
  cause: Error;
  details: Record<string, unknown>;
}

/**
 * Redis Cluster failures, each with what to do about it; `undefined` for anything else. MOVED and
 * ASK only surface here when ioredis gave up following redirections (the slot map kept changing).
 */
export function clusterError(failure: ClusterFailure): MemoryError | undefined {
  const { redisCode, message, at, operation, cause, details } = failure;
  const options = { cause, details };
  // ioredis retries CLUSTERDOWN and TRYAGAIN, then reports "Too many Cluster redirections. Last error: …".
  if (redisCode === 'CLUSTERDOWN' || /\bCLUSTERDOWN\b/.test(message)) {
    return new MemoryError(
      ErrorCode.CONNECTION_ERROR,
      `${at}: the cluster is down (some hash slots have no reachable master): retry once a failover completes, and check CLUSTER INFO on the nodes`,
      options,
    );
  }
  if (redisCode === 'TRYAGAIN' || /\bTRYAGAIN\b/.test(message)) {
    return new MemoryError(ErrorCode.CONNECTION_ERROR, `${at}: a slot of this context is being migrated: retry ${operation} shortly`, options);
  }
  if (redisCode === 'CROSSSLOT') {
    return new MemoryError(
      ErrorCode.BACKEND_ERROR,
      `${at} refused ${operation}: its keys span several hash slots. Engram keeps each context in one slot, so this is a bug in Engram or a client with its own keyPrefix: report it`,
      options,
    );
  }
  if (redisCode === 'MOVED' || redisCode === 'ASK' || /Too many Cluster redirections/i.test(message)) {
    return new MemoryError(
      ErrorCode.CONNECTION_ERROR,
      `${at}: the slot of this context kept moving (resharding or failover in progress): retry ${operation} shortly`,
      options,
    );
  }
  if (redisCode === 'MASTERDOWN' || /Failed to refresh slots cache|None of startup nodes is available|Cluster not ready/i.test(message)) {
    return new MemoryError(
      ErrorCode.CONNECTION_ERROR,
      `Cannot reach ${at.replace(/^Redis at /, 'the Redis Cluster at ')}: check that its nodes are running and that cluster.nodes lists reachable ones`,
      options,
    );
  }
  return undefined;
}
