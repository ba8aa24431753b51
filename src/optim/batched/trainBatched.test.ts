import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../linalg/rng.ts';
import { type Mat } from '../../linalg/mat.ts';
import { statsFromData } from '../../model/stats.ts';
import { trainGD } from '../train.ts';
import { createBatch, setLane, laneWeights } from './batch.ts';
import { type BatchKernels, trainBatched } from './trainBatched.ts';
import type { Schedule } from '../schedules.ts';
import { CHUNK } from './laneWasm.ts';

function randomNormal(rows: number, cols: number, rng: Rng, std = 1): Mat {
  return { rows, cols, data: rng.fillNormal(new Float64Array(rows * cols), std) };
}

function instance(rng: Rng, dims: number[], m: number) {
  const x = randomNormal(dims[0], m, rng);
  const y = randomNormal(dims[dims.length - 1], m, rng);
  const stats = statsFromData({ x, y });
  const weights = dims.slice(1).map((d, j) => randomNormal(d, dims[j], rng, 0.3));
  return { stats, weights };
}

const cases: [number[], BatchKernels, number][] = [
  [[5, 3, 4, 2], 'wasm-simd', 2 * CHUNK + 3], [[5, 3, 4, 2], 'js', 9], [[5, 3, 4, 2], 'loops', 9], [[12, 12, 12], 'auto', 5],
  // Layers of 8k + 5 and 8k + 3 entries: the eight partial sums of the gradient norm and their rest.
  [[3, 7, 5, 3], 'loops', 6], [[3, 7, 5, 3], 'wasm-simd', 5],
];
for (const [dims, kernels, lanes] of cases) test(`every lane of a batched run ends with the bits trainGD gives that network alone (${dims.join('-')}, ${kernels} kernels, ${lanes} lanes)`, () => {
  const rng = new Rng(7);
  const batch = createBatch(dims, lanes);
  const cases = Array.from({ length: lanes }, () => instance(rng, dims, 8));
  // Lanes with different step sizes: small (max-steps), tiny loss tolerance (converged), huge (diverged).
  const schedules: Schedule[] = cases.map((_, l) => l % 3 === 2
    ? { kind: 'constant', lr: 5 } : l % 3 === 1 ? { kind: 'power', c: 0.01, b: 1, p: 0.5 } : { kind: 'constant', lr: 0.003 });
  cases.forEach((c, l) => setLane(batch, l, c.weights, c.stats));
  const res = trainBatched(batch, { schedules, maxSteps: 300, gradTol: 1e-3, kernels });
  const statuses = new Set<string>();
  cases.forEach((c, l) => {
    const alone = trainGD(c.stats, c.weights.map((w) => ({ ...w, data: w.data.slice() })), { schedule: schedules[l], maxSteps: 300, gradTol: 1e-3 });
    assert.equal(res.status[l], alone.status, `lane ${l} status`);
    assert.equal(res.steps[l], alone.steps, `lane ${l} steps`);
    statuses.add(alone.status);
    if (alone.status !== 'diverged') {
      assert.ok(Object.is(res.loss[l], alone.loss), `lane ${l} loss ${res.loss[l]} vs ${alone.loss}`);
      assert.ok(Object.is(res.gradNorm[l], alone.gradNorm), `lane ${l} gradient norm ${res.gradNorm[l]} vs ${alone.gradNorm}`);
      const got = laneWeights(batch, l);
      got.forEach((w, j) => assert.deepEqual(w.data, alone.weights[j].data, `lane ${l} W${j + 1}`));
    }
  });
  assert.ok(statuses.has('diverged') && statuses.has('max-steps'), `cases cover several stop rules: ${[...statuses]}`);
});
