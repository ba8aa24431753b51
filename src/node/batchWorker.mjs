// Worker of trainBatchedParallel's pool: for each job it receives, claims chunks of lanes of a shared
// batch until none are left, then answers 'done' (or the error). The fast path arrives as the source of
// a generated LaneProgram (plain JavaScript, compiled once per source), so a worker needs no TypeScript
// tooling; only the generic path loads batchWorkerTask (its .ts source through tsx in a checkout).
import { parentPort } from 'node:worker_threads';
import { importModule } from './importModule.mjs';

const programs = new Map();
let generic;

async function runner(d) {
  if (d.source !== undefined) {
    let program = programs.get(d.source);
    if (program === undefined) { program = new Function(`return ${d.source}`)(); programs.set(d.source, program); }
    const b = d.batch;
    return (lo, hi) => program(b.weights, b.sxx, b.ols, b.lossOLS, b.lanes, lo, hi, d.schedules, d.rules,
      d.out.status, d.out.steps, d.out.loss, d.out.gradNorm);
  }
  if (generic === undefined) {
    generic = (await importModule('./batchWorkerTask.ts', import.meta.url)).runBatchWorker;
  }
  return (lo, hi) => generic({ ...d, lo, hi });
}

parentPort.on('message', async (d) => {
  try {
    const run = await runner(d);
    for (;;) {
      const c = Atomics.add(d.next, 0, 1);
      if (c >= d.chunks) break;
      run(c * d.chunkLanes, Math.min(d.batch.lanes, (c + 1) * d.chunkLanes));
    }
    parentPort.postMessage({ done: true });
  } catch (e) {
    parentPort.postMessage({ error: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
});
