import { after, before, describe, test } from 'node:test';
import { type KernelBackend, setBackend } from '../../src/linalg/backend.ts';
import { type BackendName, backendNames, backendUnavailableReason, resolveBackend } from '../../src/linalg/backends/selectBackend.ts';

/**
 * Registers suite once per kernel backend (ts, wasm, native), each time inside a describe block
 * that makes that backend the active one for its tests and restores the previous one after them.
 * A backend that cannot run here (native not built, no WebAssembly) is one skipped test saying why.
 */
export function forEachBackend(suite: (name: BackendName, backend: KernelBackend) => void): void {
  for (const name of [...backendNames].reverse()) {
    const reason = backendUnavailableReason(name);
    if (reason !== undefined) {
      test(`${name} backend`, { skip: reason }, () => {});
      continue;
    }
    const backend = resolveBackend(name);
    describe(`${name} backend`, () => {
      let previous: KernelBackend | undefined;
      before(() => { previous = setBackend(backend); });
      after(() => { if (previous !== undefined) setBackend(previous); });
      suite(name, backend);
    });
  }
}
