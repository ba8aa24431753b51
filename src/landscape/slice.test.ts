import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../linalg/rng.ts';
import { zeros } from '../linalg/mat.ts';
import { lossAndGrad, createGradWorkspace } from '../model/lossAndGrad.ts';
import { hessian } from '../model/hessian.ts';
import { ShapeError } from '../errors.ts';
import { lossSlice } from './slice.ts';
import { randomStats, randomWeights, flatten } from '../../test/helpers/randomInstance.ts';

const dims = [4, 3, 3, 2];

function setup(seed: number) {
  const rng = new Rng(seed);
  const stats = randomStats(4, 2, 20, rng);
  return { stats, weights: randomWeights(dims, rng), d1: randomWeights(dims, rng), d2: randomWeights(dims, rng) };
}

function lossAt(stats: ReturnType<typeof setup>['stats'], w: ReturnType<typeof randomWeights>): number {
  return lossAndGrad(w, stats, null, createGradWorkspace(dims));
}

test('lossSlice along a plane evaluates L(W + s·D₁ + t·D₂) on the grid', () => {
  const { stats, weights, d1, d2 } = setup(1);
  const res = lossSlice(weights, stats, [d1, d2], [-1, 0.5], 4);
  assert.deepEqual(Array.from(res.coords), [-1, -0.5, 0, 0.5]);
  assert.equal(res.loss.rows, 4);
  assert.equal(res.loss.cols, 4);
  for (let a = 0; a < 4; a++) {
    for (let b = 0; b < 4; b++) {
      const s = res.coords[a], t = res.coords[b];
      const w = weights.map((m, j) => {
        const out = zeros(m.rows, m.cols);
        for (let i = 0; i < out.data.length; i++) out.data[i] = m.data[i] + s * d1[j].data[i] + t * d2[j].data[i];
        return out;
      });
      const want = lossAt(stats, w);
      assert.ok(Math.abs(res.loss.data[a * 4 + b] - want) <= 1e-13 * want, `(${s}, ${t})`);
    }
  }
});

test('lossSlice along a line passes through L(W) and its curvature at 0 is the Hessian form DᵀHD', () => {
  const { stats, weights, d1 } = setup(2);
  const h = 1e-4;
  const res = lossSlice(weights, stats, [d1], [-h, h], 3);
  assert.equal(res.loss.cols, 1);
  assert.equal(res.loss.data[1], lossAt(stats, weights));
  const curvature = (res.loss.data[0] - 2 * res.loss.data[1] + res.loss.data[2]) / (h * h);
  const H = hessian(weights, stats), v = flatten(d1), p = v.length;
  let q = 0;
  for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) q += v[r] * H.data[r * p + c] * v[c];
  assert.ok(Math.abs(curvature - q) <= 1e-4 * Math.abs(q), `second difference ${curvature} vs DᵀHD ${q}`);
});

test('lossSlice rejects a direction whose layers do not match the network', () => {
  const { stats, weights, d1 } = setup(3);
  const bad = [d1[0], d1[1]];
  assert.throws(() => lossSlice(weights, stats, [bad], [-1, 1], 5), (e: unknown) => e instanceof ShapeError && /direction 1 has 2 layers/.test(e.message));
  const wrong = [zeros(3, 4), zeros(2, 3), zeros(2, 3)];
  assert.throws(() => lossSlice(weights, stats, [d1, wrong], [-1, 1], 5), /layer 2 of direction 2 is 2×3/);
  assert.throws(() => lossSlice(weights, stats, [d1], [-1, 1], 0), /positive integer/);
});
