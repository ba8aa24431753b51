import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBackend } from '../../test/helpers/forEachBackend.ts';
import { type Mat, zeros } from '../linalg/mat.ts';
import { matmul } from '../linalg/matmul.ts';
import { Rng } from '../linalg/rng.ts';
import { statsFromData } from './stats.ts';
import { createGradWorkspace, createDataWorkspace, lossAndGrad, lossAndGradData } from './lossAndGrad.ts';

function gaussian(rows: number, cols: number, rng: Rng, std = 1): Mat {
  const m = zeros(rows, cols);
  rng.fillNormal(m.data, std);
  return m;
}

/** Layers scaled by 1/√d_{j−1} so that products neither blow up nor vanish with depth. */
function randomNet(dims: number[], rng: Rng): Mat[] {
  return dims.slice(1).map((d, j) => gaussian(d, dims[j], rng, 1 / Math.sqrt(dims[j])));
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** ½‖Y − W_N⋯W_1X‖_F² by plain loops, independent of the library's kernels. */
function directLoss(weights: Mat[], x: Mat, y: Mat): number {
  let h = Array.from({ length: x.rows }, (_, i) => Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols)));
  for (const w of weights) {
    const next: number[][] = [];
    for (let i = 0; i < w.rows; i++) {
      const row = new Array<number>(x.cols).fill(0);
      for (let k = 0; k < w.cols; k++) for (let c = 0; c < x.cols; c++) row[c] += w.data[i * w.cols + k] * h[k][c];
      next.push(row);
    }
    h = next;
  }
  let s = 0;
  for (let i = 0; i < y.rows; i++) for (let c = 0; c < y.cols; c++) s += (y.data[i * y.cols + c] - h[i][c]) ** 2;
  return 0.5 * s;
}

const SHAPES = [[4, 3], [6, 1, 3], [3, 5, 2, 4], [2, 5, 3, 4, 3], [4, 7, 5, 3, 6, 2]];

function problem(dims: number[], seed: number, m = 9) {
  const rng = new Rng(seed);
  const weights = randomNet(dims, rng);
  const data = { x: gaussian(dims[0], m, rng), y: gaussian(dims[dims.length - 1], m, rng) };
  return { weights, data, stats: statsFromData(data), grads: weights.map((w) => zeros(w.rows, w.cols)) };
}

forEachBackend(() => {
  test('lossAndGrad agrees with central finite differences to 1e-7 on depths 1–5 with unequal widths', () => {
    for (const [s, dims] of SHAPES.entries()) {
      const { weights, stats, grads } = problem(dims, 100 + s);
      const ws = createGradWorkspace(dims);
      lossAndGrad(weights, stats, grads, ws);
      let worst = 0;
      for (let j = 0; j < weights.length; j++) {
        const w = weights[j].data, scale = Math.max(maxAbs(grads[j].data), 1e-3);
        for (let i = 0; i < w.length; i++) {
          const w0 = w[i], h = 1e-5 * Math.max(1, Math.abs(w0));
          w[i] = w0 + h; const lp = lossAndGrad(weights, stats, null, ws);
          w[i] = w0 - h; const lm = lossAndGrad(weights, stats, null, ws);
          w[i] = w0;
          worst = Math.max(worst, Math.abs((lp - lm) / (2 * h) - grads[j].data[i]) / scale);
        }
      }
      assert.ok(worst < 1e-7, `dims [${dims}]: finite-difference relative error ${worst.toExponential(2)}`);
    }
  });

  test('the sufficient-statistics and raw-data paths agree to 1e-12 in loss and gradient', () => {
    for (const [s, dims] of SHAPES.entries()) {
      for (const m of [9, 3]) { // m = 3 < d_0 for some shapes: Σ_XX singular
        const { weights, data, stats, grads } = problem(dims, 200 + s, m);
        const gradsData = weights.map((w) => zeros(w.rows, w.cols));
        const ls = lossAndGrad(weights, stats, grads, createGradWorkspace(dims));
        const ld = lossAndGradData(weights, data, gradsData, createDataWorkspace(dims, m));
        assert.ok(Math.abs(ls - ld) <= 1e-12 * ld, `dims [${dims}] m=${m}: loss ${ls} vs ${ld}`);
        for (let j = 0; j < weights.length; j++) {
          const scale = maxAbs(gradsData[j].data);
          let diff = 0;
          for (let i = 0; i < grads[j].data.length; i++) diff = Math.max(diff, Math.abs(grads[j].data[i] - gradsData[j].data[i]));
          assert.ok(diff <= 1e-12 * scale, `dims [${dims}] m=${m} W${j + 1}: gradient differs by ${diff} (scale ${scale})`);
        }
      }
    }
  });

  test('both paths return ½‖Y − PX‖_F² as computed entry by entry, and grads = null gives the same loss', () => {
    for (const [s, dims] of SHAPES.entries()) {
      const { weights, data, stats, grads } = problem(dims, 300 + s);
      const direct = directLoss(weights, data.x, data.y);
      const ws = createGradWorkspace(dims);
      const ls = lossAndGrad(weights, stats, grads, ws);
      assert.ok(Math.abs(ls - direct) <= 1e-12 * direct, `stats path ${ls} vs direct ${direct}`);
      assert.equal(lossAndGrad(weights, stats, null, ws), ls);
      const ld = lossAndGradData(weights, data, null, createDataWorkspace(dims, data.x.cols));
      assert.ok(Math.abs(ld - direct) <= 1e-12 * direct, `data path ${ld} vs direct ${direct}`);
    }
  });

  test('the loss stays accurate near a zero-loss solution where the expanded formula loses all digits', () => {
    const dims = [3, 5, 4, 4], rng = new Rng(7);
    const weights = randomNet(dims, rng);
    const x = gaussian(3, 20, rng, 3);
    const p = weights.slice(1).reduce((acc, w) => matmul(zeros(w.rows, acc.cols), w, acc), weights[0]);
    const y = matmul(zeros(4, 20), p, x); // Y = PX: the network itself is a global minimiser, L = 0
    const stats = statsFromData({ x, y });
    const loss = lossAndGrad(weights, stats, null, createGradWorkspace(dims));
    // ½(tr Σ_YY − 2 tr PΣ_XY + tr PΣ_XXPᵀ): cancellation leaves an error of order ε·tr Σ_YY.
    const pSxx = matmul(zeros(4, 3), p, stats.sxx);
    let cross = 0, quad = 0;
    for (let i = 0; i < p.data.length; i++) { cross += p.data[i] * stats.syx.data[i]; quad += pSxx.data[i] * p.data[i]; }
    const naive = Math.abs(0.5 * (stats.trYY - 2 * cross + quad));
    assert.ok(loss >= 0 && loss <= 1e-24 * stats.trYY, `loss ${loss} at an exact solution (tr Σ_YY = ${stats.trYY})`);
    assert.ok(naive > 1e3 * loss, `expanded formula ${naive} vs ${loss}: the example does not show the cancellation`);
  });
});


