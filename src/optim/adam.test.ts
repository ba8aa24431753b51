import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Mat, zeros } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import { statsFromData, type Stats } from '../model/stats.ts';
import { initGaussian } from '../model/init.ts';
import { cloneWeights } from '../model/network.ts';
import { createGradWorkspace, lossAndGrad } from '../model/lossAndGrad.ts';
import { adam, type AdamOptions } from './adam.ts';

function setup(seed: number): { stats: Stats; w: Mat[] } {
  const rng = new Rng(seed);
  const x = zeros(3, 12), y = zeros(2, 12);
  rng.fillNormal(x.data, 0.4);
  rng.fillNormal(y.data, 0.4);
  return { stats: statsFromData({ x, y }), w: initGaussian([3, 4, 2], rng, 0.5) };
}

function train(stats: Stats, w: Mat[], steps: number, options: AdamOptions = {}): number {
  const opt = adam(options), state = opt.init(w);
  const grads = w.map((m) => zeros(m.rows, m.cols)), ws = createGradWorkspace([3, 4, 2]);
  for (let k = 0; k < steps; k++) { lossAndGrad(w, stats, grads, ws); opt.update(w, grads, state); }
  assert.equal(state.step, steps);
  return lossAndGrad(w, stats, null, ws);
}

test('adam with learning rate 0 leaves the weights unchanged', () => {
  const { stats, w } = setup(1);
  const before = cloneWeights(w);
  train(stats, w, 20, { learningRate: 0 });
  w.forEach((m, j) => assert.deepEqual(m.data, before[j].data));
});

test('adam: a fixed start gives identical bits', () => {
  const a = setup(2), b = setup(2);
  train(a.stats, a.w, 30);
  train(b.stats, b.w, 30);
  a.w.forEach((m, j) => assert.deepEqual(m.data, b.w[j].data));
});

test('adam: the first update moves every weight by lr·sign(g) up to ε', () => {
  const { stats, w } = setup(3);
  const w0 = cloneWeights(w);
  const grads = w.map((m) => zeros(m.rows, m.cols));
  lossAndGrad(w, stats, grads, createGradWorkspace([3, 4, 2]));
  const opt = adam({ learningRate: 0.01 });
  const alpha = opt.update(w, grads, opt.init(w));
  assert.ok(Math.abs(alpha - 0.01 * Math.sqrt(0.001) / 0.1) < 1e-15);
  w.forEach((m, j) => m.data.forEach((v, i) => {
    const g = grads[j].data[i];
    const expected = w0[j].data[i] - 0.01 * Math.sign(g) * Math.abs(g) / (Math.abs(g) + 1e-7 / Math.sqrt(0.001));
    assert.ok(Math.abs(v - expected) < 1e-15, `W${j + 1}[${i}]: ${v} vs ${expected}`);
  }));
});

test('adam matches a textbook bias-corrected Adam (m̂/(√v̂ + ε̂)) over 40 steps', () => {
  const { stats, w } = setup(4);
  const ref = cloneWeights(w);
  train(stats, w, 40, { learningRate: 0.02 });
  // Independent reference: bias-corrected moments with Math.pow, ε̂ = ε/√(1 − β₂^t).
  const m = ref.map((r) => new Float64Array(r.data.length)), v = ref.map((r) => new Float64Array(r.data.length));
  const grads = ref.map((r) => zeros(r.rows, r.cols)), ws = createGradWorkspace([3, 4, 2]);
  for (let t = 1; t <= 40; t++) {
    lossAndGrad(ref, stats, grads, ws);
    const c1 = 1 - Math.pow(0.9, t), c2 = 1 - Math.pow(0.999, t);
    ref.forEach((r, j) => r.data.forEach((_, i) => {
      const g = grads[j].data[i];
      m[j][i] = 0.9 * m[j][i] + 0.1 * g;
      v[j][i] = 0.999 * v[j][i] + 0.001 * g * g;
      r.data[i] -= 0.02 * (m[j][i] / c1) / (Math.sqrt(v[j][i] / c2) + 1e-7 / Math.sqrt(c2));
    }));
  }
  w.forEach((mat, j) => mat.data.forEach((x, i) => assert.ok(Math.abs(x - ref[j].data[i]) < 1e-12, `W${j + 1}[${i}]: ${x} vs ${ref[j].data[i]}`)));
});

test('adam lowers the loss of a small deep linear network', () => {
  const { stats, w } = setup(5);
  const l0 = lossAndGrad(w, stats, null, createGradWorkspace([3, 4, 2]));
  const l1 = train(stats, w, 200, { learningRate: 0.01 });
  assert.ok(l1 < 0.5 * l0, `${l1} vs ${l0}`);
});

test('adam rejects bad settings and gradients of the wrong shape, naming them', () => {
  assert.throws(() => adam({ beta1: 1 }), /beta1 must lie in \[0, 1\)/);
  assert.throws(() => adam({ epsilon: 0 }), /epsilon must be a finite number > 0/);
  const { w } = setup(6);
  const opt = adam();
  assert.throws(() => opt.update(w, [zeros(1, 1), zeros(2, 4)], opt.init(w)), /gradient of W1 is 1×1/);
});
