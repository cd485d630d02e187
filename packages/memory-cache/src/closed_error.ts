import { ErrorCode, MemoryError } from '@engram/memory-core';

export function closedError(what: string): MemoryError {
  return new MemoryError(ErrorCode.CLOSED, `this ${what} is closed; create a new one to keep working`);
}
