// Worker thread of ChunkPool: registers tsx, then evaluates the chunks it is sent, one at a time.
import { register } from 'tsx/esm/api';
import { parentPort } from 'node:worker_threads';

register();
// Same kernels as the parent (DLN_BACKEND), one BLAS thread per worker: chunks already run in parallel.
const { useBackend } = await import('../linalg/backends/selectBackend.ts');
useBackend(undefined, { threads: 1 });
const { evaluateCells } = await import('../experiments/sweep/index.ts');
parentPort?.on('message', (m) => {
  try {
    parentPort?.postMessage({ id: m.id, records: evaluateCells(m.spec, m.indices, { dln: m.dln }) });
  } catch (e) {
    parentPort?.postMessage({ id: m.id, error: String(e?.message ?? e) });
  }
});
parentPort?.postMessage({ ready: true });
