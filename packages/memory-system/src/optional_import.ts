import { ErrorCode, MemoryError } from '@engram/memory-core';
import { isMissingPackage } from '@engram/memory-utils';

/**
 * Imports an optional sibling package, so users install only the stores they use.
 * A missing package becomes a CONFIG_ERROR that names the install command.
 */
export async function importOptional<T>(name: string, why: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isMissingPackage(error, name)) {
      throw new MemoryError(ErrorCode.CONFIG_ERROR, `${why} needs the package ${name}: run \`pnpm add ${name}\` (or npm install ${name})`, {
        cause: error,
        details: { package: name },
      });
    }
    throw error;
  }
}
