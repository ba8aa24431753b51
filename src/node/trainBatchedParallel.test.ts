import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../linalg/rng.ts';
import { statsFromData } from '../model/stats.ts';
import { createBatch, setLane } from '../optim/batched/batch.ts';
import { trainBatched } from '../optim/batched/trainBatched.ts';
import { unrollable } from '../model/unrolledLossAndGrad.ts';
import type { Schedule } from '../optim/schedules.ts';
import { trainBatchedParallel } from './trainBatchedParallel.ts';

function filledBatches(dims: number[], lanes: number, seed: number) {
  const rng = new Rng(seed);
  const one = createBatch(dims, lanes), par = createBatch(dims, lanes, true);
  for (let l = 0; l < lanes; l++) {
    const x = { rows: dims[0], cols: 9, data: rng.fillNormal(new Float64Array(dims[0] * 9), 1) };
    const y = { rows: dims[dims.length - 1], cols: 9, data: rng.fillNormal(new Float64Array(dims[dims.length - 1] * 9), 1) };
    const stats = statsFromData({ x, y });
    const w = dims.slice(1).map((d, j) => ({ rows: d, cols: dims[j], data: rng.fillNormal(new Float64Array(d * dims[j]), 0.3) }));
    setLane(one, l, w, stats);
    setLane(par, l, w, stats);
  }
  return { one, par };
}

for (const dims of [[4, 3, 2], [12, 12, 12]]) {
  test(`trainBatchedParallel on 2 threads ends every lane with the bits of trainBatched on one (${dims.join('-')}, ${unrollable(dims) ? 'generated' : 'generic'} kernels)`, async () => {
    const lanes = 37;
    const { one, par } = filledBatches(dims, lanes, 11);
    const schedules: Schedule[] = Array.from({ length: lanes }, (_, l) => (l % 4 === 3 ? { kind: 'power', c: 0.02, b: 1, p: 0.5 } : { kind: 'constant', lr: l % 5 === 4 ? 9 : 0.004 }));
    const opts = { schedules, maxSteps: 60, gradTol: 1e-2 };
    const a = trainBatched(one, opts);
    const b = await trainBatchedParallel(par, opts, 2);
    assert.deepEqual(b.status, a.status);
    assert.deepEqual(b.steps, a.steps);
    assert.deepEqual(b.loss, a.loss);
    one.weights.forEach((w, j) => assert.deepEqual(par.weights[j], w, `W${j + 1}`));
  });
}

test('trainBatchedParallel rejects a batch that is not on shared memory', async () => {
  const batch = createBatch([2, 2], 3);
  await assert.rejects(trainBatchedParallel(batch, { schedules: { kind: 'constant', lr: 0.1 }, maxSteps: 1 }), /shared = true/);
});
