// Worker entry of startJob (jobRunner.ts): selects the parent's kernels, imports the job's module (its
// .ts source through tsx in a checkout, the compiled .js in the package) and calls its exported function
// with the input and a JobContext; posts the value or the error.
import { parentPort, workerData } from 'node:worker_threads';
import { importModule } from './importModule.mjs';

const { shared, moduleUrl, exportName, input, threads } = workerData;
const stop = new Int32Array(shared, 0, 1), live = new Float64Array(shared, 8, 2);
const send = (m) => parentPort?.postMessage(m);
// What the parent sent (RunningJob.send) and not yet received, and the receivers waiting for more; the listener starts with the first receive().
const inbox = [], waiting = [];
let listening = false;
try {
  // The same kernels as the parent (DLN_BACKEND); threads caps the BLAS threads when jobs run side by side.
  const { useBackend } = await importModule('../linalg/backends/selectBackend.ts', import.meta.url);
  useBackend(undefined, threads !== undefined ? { threads } : {});
  const mod = await importModule(moduleUrl);
  const job = {
    shouldStop: () => Atomics.load(stop, 0) !== 0,
    begin(total, stage) {
      // A new stage counts from 0; the parent learns where the previous one ended.
      const reached = live[0];
      live[0] = 0; live[1] = Number.NaN;
      send({ kind: 'begin', total, reached, ...(stage === undefined ? {} : { stage: { label: stage.label, unit: stage.unit } }) });
    },
    progress(value, loss = Number.NaN) { live[0] = value; live[1] = loss; },
    post: (data) => send({ kind: 'post', data }),
    receive() {
      if (!listening) {
        listening = true;
        parentPort?.on('message', (m) => { if (m?.kind !== 'input') return; const w = waiting.shift(); if (w !== undefined) w(m.data); else inbox.push(m.data); });
      }
      return inbox.length > 0 ? Promise.resolve(inbox.shift()) : new Promise((r) => waiting.push(r));
    },
  };
  const value = await mod[exportName](input, job);
  send({ kind: 'done', value });
} catch (e) {
  send({ kind: 'error', error: { name: e?.name ?? 'Error', message: String(e?.message ?? e), stack: e?.stack, premise: e?.premise } });
}
