// Worker thread of ChunkPool: loads the engine (its .ts sources through tsx in a checkout, the compiled
// .js in the package), then evaluates the chunks it is sent, one at a time.
import { parentPort } from 'node:worker_threads';
import { importModule } from '../node/importModule.mjs';

// Same kernels as the parent (DLN_BACKEND), one BLAS thread per worker: chunks already run in parallel.
const { useBackend } = await importModule('../linalg/backends/selectBackend.ts', import.meta.url);
useBackend(undefined, { threads: 1 });
const { evaluateCells } = await importModule('../experiments/sweep/index.ts', import.meta.url);
parentPort?.on('message', (m) => {
  try {
    parentPort?.postMessage({ id: m.id, records: evaluateCells(m.spec, m.indices, { dln: m.dln }) });
  } catch (e) {
    parentPort?.postMessage({ id: m.id, error: String(e?.message ?? e) });
  }
});
parentPort?.postMessage({ ready: true });
