// Worker entry of runExperiments: registers tsx, runs one experiment task and posts its outcome.
import { register } from 'tsx/esm/api';
import { parentPort, workerData } from 'node:worker_threads';

register();
const send = (m) => parentPort?.postMessage(m);
try {
  // Same kernels as the parent (DLN_BACKEND), one BLAS thread per worker: experiments already run in parallel.
  const { useBackend } = await import('../linalg/backends/selectBackend.ts');
  useBackend(undefined, { threads: 1 });
  const { experimentTask } = await import('./runExperiments.ts');
  const outcome = await experimentTask(workerData.task, workerData.stop, (fraction, message) => send({ kind: 'progress', fraction, message }));
  send({ kind: 'done', outcome });
} catch (e) {
  send({ kind: 'error', error: { name: e?.name ?? 'Error', message: String(e?.message ?? e), stack: e?.stack, premise: e?.premise } });
}
