import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../linalg/rng.ts';
import { hessian, parameterOffsets } from './hessian.ts';
import { hessianVectorProduct, createHvpWorkspace } from './hessianVectorProduct.ts';
import { parameterCount } from './network.ts';
import {
  randomStats, randomWeights, flatten, lossAndFlatGrad, maxAbsDiffArr, maxAbs,
} from '../../test/helpers/randomInstance.ts';

const nets: number[][] = [[3, 2], [4, 3, 2], [5, 3, 4], [3, 4, 2, 3], [4, 3, 3, 2, 3]];

function instance(dims: number[], seed: number) {
  const rng = new Rng(seed);
  const stats = randomStats(dims[0], dims[dims.length - 1], 3 * dims[0] + 5, rng);
  return { stats, weights: randomWeights(dims, rng, 0.7) };
}

test('hessian(W) matches central differences of the analytic gradient', () => {
  for (const [k, dims] of nets.entries()) {
    const { stats, weights } = instance(dims, 11 + k);
    const h = hessian(weights, stats);
    const p = parameterCount(dims);
    assert.equal(h.rows, p);
    const theta = flatten(weights);
    const step = 1e-5 * Math.max(1, maxAbs(theta));
    let err = 0;
    for (let c = 0; c < p; c++) {
      const tp = theta.slice(), tm = theta.slice();
      tp[c] += step; tm[c] -= step;
      const gp = lossAndFlatGrad(tp, dims, stats).grad, gm = lossAndFlatGrad(tm, dims, stats).grad;
      for (let r = 0; r < p; r++) err = Math.max(err, Math.abs((gp[r] - gm[r]) / (2 * step) - h.data[r * p + c]));
    }
    assert.ok(err <= 1e-8 * maxAbs(h.data), `dims [${dims}]: max |H − H_fd| = ${err}, max |H| = ${maxAbs(h.data)}`);
  }
});

test('hessian(W) is exactly symmetric', () => {
  for (const [k, dims] of nets.entries()) {
    const { stats, weights } = instance(dims, 31 + k);
    const h = hessian(weights, stats), p = h.rows;
    for (let r = 0; r < p; r++) for (let c = 0; c < r; c++) assert.equal(h.data[r * p + c], h.data[c * p + r]);
  }
});

test('hessian of a one-layer network is I_{d_y} ⊗ Σ_XX whatever the weights', () => {
  const { stats, weights } = instance([4, 3], 5);
  const h = hessian(weights, stats), dx = 4, p = 12;
  const scale = maxAbs(stats.sxx.data);
  for (let r = 0; r < p; r++) {
    for (let c = 0; c < p; c++) {
      const i = Math.floor(r / dx), a = r % dx, j = Math.floor(c / dx), b = c % dx;
      const want = i === j ? stats.sxx.data[a * dx + b] : 0;
      assert.ok(Math.abs(h.data[r * p + c] - want) <= 8 * 2.2e-16 * scale, `entry (${r}, ${c})`);
    }
  }
});

test('hessian blocks are laid out at offsets o_j = Σ_{i<j} d_i d_{i−1}', () => {
  assert.deepEqual(parameterOffsets([4, 3, 2, 5]), [0, 12, 18, 28]);
});

test('hessianVectorProduct(W, v) equals the dense H·v', () => {
  for (const [k, dims] of nets.entries()) {
    const { stats, weights } = instance(dims, 51 + k);
    const h = hessian(weights, stats), p = h.rows;
    const ws = createHvpWorkspace(dims);
    const rng = new Rng(99 + k);
    for (let t = 0; t < 3; t++) {
      const v = rng.fillNormal(new Float64Array(p));
      const hv = hessianVectorProduct(weights, stats, v, new Float64Array(p), ws);
      const dense = new Float64Array(p);
      let scale = 0;
      for (let r = 0; r < p; r++) {
        let s = 0, a = 0;
        for (let c = 0; c < p; c++) { s += h.data[r * p + c] * v[c]; a += Math.abs(h.data[r * p + c] * v[c]); }
        dense[r] = s; scale = Math.max(scale, a);
      }
      const err = maxAbsDiffArr(hv, dense);
      assert.ok(err <= 1e-12 * scale, `dims [${dims}]: max |Hv − H·v| = ${err}, scale ${scale}`);
    }
  }
});

test('hessianVectorProduct may write its result over v', () => {
  const dims = [4, 3, 2, 3];
  const { stats, weights } = instance(dims, 71);
  const p = parameterCount(dims);
  const v = new Rng(3).fillNormal(new Float64Array(p));
  const want = hessianVectorProduct(weights, stats, v, new Float64Array(p));
  const got = hessianVectorProduct(weights, stats, v, v);
  assert.deepEqual(Array.from(got), Array.from(want));
});

test('hessianVectorProduct rejects vectors of the wrong length', () => {
  const dims = [3, 2, 3];
  const { stats, weights } = instance(dims, 2);
  assert.throws(() => hessianVectorProduct(weights, stats, new Float64Array(5), new Float64Array(12)), /vectors of length 12/);
});

test('hessian reports its columns in order, from (0, p) to (p, p), and a throwing callback abandons the work', () => {
  const dims = [4, 3, 3, 2, 3], { stats, weights } = instance(dims, 5);
  const p = parameterCount(dims), seen: number[] = [];
  const h = hessian(weights, stats, { onProgress: (c, total) => { assert.equal(total, p); seen.push(c); } });
  assert.equal(seen[0], 0);
  assert.equal(seen[seen.length - 1], p);
  for (let k = 1; k < seen.length; k++) assert.ok(seen[k] > seen[k - 1], `columns ${seen.join(',')}`);
  assert.deepEqual(h.data, hessian(weights, stats).data, 'the callback does not change the bits');
  const stop = new Error('stop');
  assert.throws(() => hessian(weights, stats, { onProgress: (c) => { if (c > 0) throw stop; } }), (e) => e === stop);
});
