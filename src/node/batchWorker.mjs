// Worker entry for trainBatchedParallel: claims chunks of lanes of a shared batch until none are left.
// The fast path arrives as the source of a generated LaneProgram (plain JavaScript), so the worker
// starts without loading TypeScript tooling; only the generic path registers tsx.
import { parentPort, workerData } from 'node:worker_threads';

const d = workerData;
let run;
if (d.source !== undefined) {
  const program = new Function(`return ${d.source}`)();
  const b = d.batch;
  run = (lo, hi) => program(b.weights, b.sxx, b.ols, b.lossOLS, b.lanes, lo, hi, d.schedules, d.rules,
    d.out.status, d.out.steps, d.out.loss, d.out.gradNorm);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { runBatchWorker } = await import('./batchWorkerTask.ts');
  run = (lo, hi) => runBatchWorker({ ...d, lo, hi });
}
for (;;) {
  const c = Atomics.add(d.next, 0, 1);
  if (c >= d.chunks) break;
  run(c * d.chunkLanes, Math.min(d.batch.lanes, (c + 1) * d.chunkLanes));
}
parentPort?.postMessage('done');
