// Worker thread of ChunkPool: loads the engine (its .ts sources through tsx in a checkout, the compiled
// .js in the package), then evaluates the chunks it is sent, one at a time.
import { parentPort } from 'node:worker_threads';
import { importModule } from '../node/importModule.mjs';

// The TypeScript kernels, whatever this machine's BLAS: the batched engine's lanes do the TypeScript
// gemm's operations, and a cell's set-up (statistics, bound, critical values) must round as they do, so
// that `dln train --backend ts` reruns a cell to the bit and workers on different machines agree.
const { useBackend } = await importModule('../linalg/backends/selectBackend.ts', import.meta.url);
useBackend('ts');
const { evaluateCells, SweepData } = await importModule('../experiments/sweep/index.ts', import.meta.url);
const { packageRealData } = await importModule('../node/realDataFiles.ts', import.meta.url);
// The real data sets are read from this machine's packages once per thread, and each prepared data set is kept for the next chunks.
const data = new SweepData(packageRealData);
parentPort?.on('message', (m) => {
  try {
    parentPort?.postMessage({ id: m.id, records: evaluateCells(m.spec, m.indices, { dln: m.dln, data }) });
  } catch (e) {
    parentPort?.postMessage({ id: m.id, error: String(e?.message ?? e) });
  }
});
parentPort?.postMessage({ ready: true });
