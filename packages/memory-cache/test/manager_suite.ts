import type { BaseMemory } from '@engram/memory-core';
import { afterEach, describe } from 'vitest';
import { MemoryManager, type MemoryManagerOptions } from '../src/index.js';
import { describeManagerCacheSuite } from './manager_suite_cache.js';
import { describeManagerStoreSuite } from './manager_suite_store.js';

export type CreatePrimary = () => BaseMemory | Promise<BaseMemory>;

export interface ManagerSuiteOptions {
  /** fast-check runs per property. */
  numRuns?: number;
}

export interface ManagerUnderTest {
  manager: MemoryManager;
  /** The manager's own primary, for looking behind the cache. Closed with the manager. */
  primary: BaseMemory;
}

/** Builds managers over fresh primaries, and closes them all after each test. */
export type MakeManager = (options?: MemoryManagerOptions) => Promise<ManagerUnderTest>;

/**
 * The behaviour MemoryManager must have over any primary store. `createPrimary` must return
 * a fresh, empty, isolated store each call (own prefix, file or namespace).
 */
export function describeManagerSuite(name: string, createPrimary: CreatePrimary, options: ManagerSuiteOptions = {}): void {
  describe(`MemoryManager over ${name}`, () => {
    const open: MemoryManager[] = [];
    const make: MakeManager = async (managerOptions) => {
      const primary = await createPrimary();
      const manager = new MemoryManager(primary, undefined, managerOptions);
      open.push(manager);
      return { manager, primary };
    };
    afterEach(async () => {
      for (const manager of open.splice(0)) await manager.close();
    });
    describeManagerStoreSuite(make);
    describeManagerCacheSuite(make, options.numRuns ?? 25);
  });
}
