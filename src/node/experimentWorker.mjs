// Worker entry of runExperiments: runs one experiment task and posts its outcome.
import { parentPort, workerData } from 'node:worker_threads';
import { importModule } from './importModule.mjs';

const send = (m) => parentPort?.postMessage(m);
try {
  // Same kernels as the parent (DLN_BACKEND), one BLAS thread per worker: experiments already run in parallel.
  const { useBackend } = await importModule('../linalg/backends/selectBackend.ts', import.meta.url);
  useBackend(undefined, { threads: 1 });
  const { experimentTask } = await importModule('./runExperiments.ts', import.meta.url);
  const outcome = await experimentTask(workerData.task, workerData.stop, (fraction, message) => send({ kind: 'progress', fraction, message }));
  send({ kind: 'done', outcome });
} catch (e) {
  send({ kind: 'error', error: { name: e?.name ?? 'Error', message: String(e?.message ?? e), stack: e?.stack, premise: e?.premise } });
}
