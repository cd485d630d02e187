import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { isMissingPackage } from '@engram/memory-utils';
import { createMemoryBackend } from './memory/memory_backend.js';
import type { VectorBackend, VectorBackendFactory, VectorBackendOptions } from './vector_backend.js';

/** Backends published as their own packages; loading one imports `@engram/vector-<name>`. */
export const KNOWN_BACKEND_PACKAGES = ['hnsw', 'faiss', 'chroma', 'qdrant'] as const;

const registry = new Map<string, VectorBackendFactory>([['memory', createMemoryBackend]]);

const NAME = /^[a-z][a-z0-9-]{0,39}$/;

function checkName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new MemoryError(
      ErrorCode.CONFIG_ERROR,
      'vectorDbType must be a lowercase backend name such as "memory", "hnsw", "faiss", "chroma" or "qdrant"',
      { details: { field: 'vectorDbType' } },
    );
  }
}

/**
 * Makes `new VectorStore({ vectorDbType: name })` use `factory`. Registering a name again
 * replaces the factory (tests and apps may swap a backend).
 */
export function registerBackend(name: string, factory: VectorBackendFactory): void {
  checkName(name);
  if (typeof factory !== 'function') {
    throw new MemoryError(ErrorCode.CONFIG_ERROR, `registerBackend("${name}") needs a factory function (options) => VectorBackend`);
  }
  registry.set(name, factory);
}

export function unregisterBackend(name: string): boolean {
  return name !== 'memory' && registry.delete(name);
}

export function registeredBackends(): string[] {
  return [...registry.keys()].sort();
}

export function backendPackageName(name: string): string {
  return `@engram/vector-${name}`;
}

/** The module a backend package must export: `createBackend` (or a default export holding it). */
interface BackendModule {
  createBackend?: VectorBackendFactory;
  default?: { createBackend?: VectorBackendFactory } | VectorBackendFactory;
}

/** Seam for tests: how a backend package is imported. Never a static import, so no native module loads eagerly. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

/**
 * Imports a backend package as vector-core sees it, then as the application sees it: with
 * pnpm's isolated layout a package the app installed is not visible from vector-core's own
 * folder, so the second try resolves it from the working directory's package.
 */
export const importFromAppOrSelf: ModuleImporter = async (specifier) => {
  try {
    return await import(/* @vite-ignore */ specifier);
  } catch (error) {
    if (!isMissingPackage(error, specifier)) throw error;
    let resolved: string;
    try {
      resolved = createRequire(join(process.cwd(), 'package.json')).resolve(specifier);
    } catch {
      throw error;
    }
    return import(/* @vite-ignore */ pathToFileURL(resolved).href);
  }
};

let importModule: ModuleImporter = importFromAppOrSelf;

export function setModuleImporter(importer: ModuleImporter | undefined): void {
  importModule = importer ?? importFromAppOrSelf;
}

/**
 * A registered factory, or the backend package imported on first use. Throws CONFIG_ERROR
 * naming the package to install when it is missing, VECTOR_DB_ERROR when it fails to load.
 */
export async function loadBackend(name: string, options: VectorBackendOptions): Promise<VectorBackend> {
  checkName(name);
  let factory = registry.get(name);
  if (!factory) {
    const pkg = backendPackageName(name);
    let mod: BackendModule;
    try {
      mod = (await importModule(pkg)) as BackendModule;
    } catch (error) {
      if (isMissingPackage(error, pkg)) {
        const known = (KNOWN_BACKEND_PACKAGES as readonly string[]).includes(name);
        throw new MemoryError(
          ErrorCode.CONFIG_ERROR,
          `vector backend "${name}" needs the package ${pkg}, which is not installed: run \`pnpm add ${pkg}\`` +
            (known ? '' : `, or call registerBackend("${name}", factory) before creating the store`),
          { cause: error, details: { backend: name, package: pkg } },
        );
      }
      throw new MemoryError(
        ErrorCode.VECTOR_DB_ERROR,
        `${pkg} is installed but failed to load; see the cause, and check its native dependencies are built`,
        { cause: error, details: { backend: name, package: pkg } },
      );
    }
    const candidate = mod.createBackend ?? (typeof mod.default === 'function' ? mod.default : mod.default?.createBackend);
    if (typeof candidate !== 'function') {
      throw new MemoryError(ErrorCode.VECTOR_DB_ERROR, `${pkg} does not export createBackend(options); install a version that matches @engram/vector-core`, {
        details: { backend: name, package: pkg },
      });
    }
    factory = candidate;
  }
  try {
    return await factory(options);
  } catch (error) {
    if (error instanceof MemoryError) throw error;
    throw new MemoryError(ErrorCode.VECTOR_DB_ERROR, `vector backend "${name}" failed to start; see the cause`, {
      cause: error,
      details: { backend: name },
    });
  }
}
