import { MemoryError } from '@engram/memory-core';
import { expect } from 'vitest';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves to the MemoryError `work` failed with, after checking its code and that its message helps. */
export async function expectCode(work: Promise<unknown> | (() => unknown), code: string): Promise<MemoryError> {
  let error: unknown;
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (e) {
    error = e;
  }
  expect(error, `expected MemoryError(${code})`).toBeInstanceOf(MemoryError);
  expect((error as MemoryError).code).toBe(code);
  expect((error as MemoryError).message.length).toBeGreaterThan(10);
  return error as MemoryError;
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets queued promise callbacks run (several hops, since stores await internally). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
  await new Promise<void>((resolve) => setImmediate(resolve));
}
