import { describe, expect, it } from 'vitest';
import { faissAvailability, loadFaiss, type FaissModule } from '../../src/index.js';

/*
 * The FAISS tests need faiss-node's native binding, which needs the system libraries
 * (libfaiss-dev, libopenblas-dev). `node tools/setup/ensure-faiss.mjs` installs them; the root
 * test command and .ci/run call it first. If the binding is still missing, CI (CI=true) fails on
 * the "binding loads" test below, and a developer's run skips the FAISS tests, saying why.
 */
export const inCi = /^(1|true)$/i.test(process.env.CI ?? '');
const availability = await faissAvailability();
export const faissAvailable = availability.available;
export const unavailableReason = availability.available ? '' : availability.reason;
export const binding: FaissModule | undefined = faissAvailable ? await loadFaiss() : undefined;

if (!faissAvailable && !inCi) {
  console.warn(
    `\n[vector-faiss] SKIPPING the FAISS tests: ${unavailableReason}\n` +
      '[vector-faiss] run `node tools/setup/ensure-faiss.mjs` from the repository root to install and build it (with CI=true this is a failure).\n',
  );
}

/** Registers the check that makes a missing binding a failure in CI and a visible skip elsewhere. */
export function describeBindingRequirement(): void {
  describe('faiss-node binding', () => {
    it.skipIf(!faissAvailable && !inCi)('loads (required when CI=true)', () => {
      expect(faissAvailable, unavailableReason).toBe(true);
    });
  });
}

/** `describe` when the binding loads, `describe.skip` otherwise (the requirement test reports why). */
export const describeFaiss: typeof describe = (faissAvailable ? describe : describe.skip) as typeof describe;

/** The loaded binding; only call inside `describeFaiss`. */
export function faiss(): FaissModule {
  if (!binding) throw new Error('faiss() called outside describeFaiss');
  return binding;
}
