import { describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError, invalidArgument, isMemoryError } from '../src/index.js';

describe('MemoryError', () => {
  it('carries a stable code, details and cause', () => {
    const cause = new Error('socket closed');
    const error = new MemoryError(ErrorCode.CONNECTION_ERROR, 'Redis is unreachable: check REDIS_URL', {
      cause,
      details: { host: '127.0.0.1' },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('MemoryError');
    expect(error.code).toBe('CONNECTION_ERROR');
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ host: '127.0.0.1' });
  });

  it('isMemoryError narrows by code', () => {
    const error = invalidArgument('ttl must be a positive integer number of seconds', { field: 'ttl' });
    expect(isMemoryError(error)).toBe(true);
    expect(isMemoryError(error, ErrorCode.INVALID_ARGUMENT)).toBe(true);
    expect(isMemoryError(error, ErrorCode.TIMEOUT)).toBe(false);
    expect(isMemoryError(new Error('plain'))).toBe(false);
  });

  it('every code maps to itself, so codes survive serialization to logs', () => {
    for (const [name, value] of Object.entries(ErrorCode)) expect(value).toBe(name);
  });
});
