import { ErrorCode, MemoryError } from '@engram/memory-core';
import { deserializeData } from '@engram/memory-utils';

/**
 * Decodes the value column. SQLite columns are dynamically typed, so another program writing
 * into the table can leave TEXT, INTEGER or REAL where Engram writes BLOBs: that is foreign data
 * (SERIALIZATION_ERROR, like corrupt bytes), not a bad argument from the caller.
 */
export function decodeValue<T>(cell: unknown): T {
  if (!(cell instanceof Uint8Array)) {
    throw new MemoryError(
      ErrorCode.SERIALIZATION_ERROR,
      `the stored value is ${typeof cell === 'string' ? 'TEXT' : 'a number'}, not the BLOB Engram writes: another program wrote this row; delete or overwrite the key`,
      { details: { reason: 'not-a-blob', type: typeof cell } },
    );
  }
  return deserializeData(cell) as T;
}
