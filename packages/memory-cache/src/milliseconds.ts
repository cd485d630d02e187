import { invalidArgument } from '@engram/memory-core';

/** Node turns longer timer delays into 1 ms, so they are refused rather than silently shortened. */
const MAX_TIMER_MS = 2_147_483_647;

/** A whole number of milliseconds a timer can wait; 0 only where it means "off". */
export function checkMs(value: unknown, field: string, zeroAllowed: boolean): number {
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    value < 0 ||
    value > MAX_TIMER_MS ||
    (value === 0 && !zeroAllowed)
  ) {
    throw invalidArgument(
      `${field} must be a ${zeroAllowed ? 'non-negative' : 'positive'} whole number of milliseconds, at most ${MAX_TIMER_MS}`,
      { field },
    );
  }
  return value;
}
