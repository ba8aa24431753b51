import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Mat, zeros } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import { statsFromData } from '../model/stats.ts';
import { initGaussian } from '../model/init.ts';
import { cloneWeights } from '../model/network.ts';
import { createDataWorkspace, lossAndGradData } from '../model/lossAndGrad.ts';
import { trainSGD } from './sgd.ts';
import { trainGD } from './train.ts';

function gaussian(rows: number, cols: number, rng: Rng, std = 1): Mat {
  const m = zeros(rows, cols);
  rng.fillNormal(m.data, std);
  return m;
}

function problem(seed: number, m = 24) {
  const rng = new Rng(seed);
  const x = gaussian(4, m, rng, 1 / Math.sqrt(m)), y = gaussian(3, m, rng, 1 / Math.sqrt(m));
  return { data: { x, y }, w0: initGaussian([4, 5, 3], rng, 0.5) };
}

function maxRelDiff(a: Mat[], b: Mat[]): number {
  let d = 0, s = 0;
  a.forEach((m, j) => m.data.forEach((v, i) => { d = Math.max(d, Math.abs(v - b[j].data[i])); s = Math.max(s, Math.abs(v)); }));
  return d / s;
}

test('SGD with one batch of all m samples is full-batch GD (up to summation order)', () => {
  const { data, w0 } = problem(1);
  const schedule = { kind: 'constant' as const, lr: 0.05 };
  const sgd = trainSGD(data, cloneWeights(w0), { schedule, maxSteps: 50 }, new Rng(9));
  const gd = trainGD(statsFromData(data), cloneWeights(w0), { schedule, maxSteps: 50 });
  assert.equal(sgd.status, 'max-steps');
  assert.equal(sgd.steps, 50);
  assert.ok(maxRelDiff(sgd.weights, gd.weights) <= 1e-13, `${maxRelDiff(sgd.weights, gd.weights)}`);
  assert.ok(Math.abs(sgd.loss - gd.loss) <= 1e-12 * gd.loss);
});

test('one epoch of minibatches sampled without replacement adds up to one GD step of (m/b)·η, to O(η²)', () => {
  const { data, w0 } = problem(2);
  const m = 24, b = 6, eta = 1e-7;
  const sgd = trainSGD(data, cloneWeights(w0), { schedule: { kind: 'constant', lr: eta }, maxSteps: m / b, batchSize: b }, new Rng(3));
  const grads = w0.map((w) => zeros(w.rows, w.cols));
  lossAndGradData(w0, data, grads, createDataWorkspace([4, 5, 3], m));
  // Σ over the epoch's batches of (m/b)·∇L_B = (m/b)·∇L when every sample is used exactly once.
  let err = 0, size = 0;
  sgd.weights.forEach((w, j) => w.data.forEach((v, i) => {
    const step = w0[j].data[i] - v, want = eta * (m / b) * grads[j].data[i];
    err = Math.max(err, Math.abs(step - want)); size = Math.max(size, Math.abs(want));
  }));
  assert.ok(err <= 1e-5 * size, `epoch step differs from (m/b)·η·∇L by ${err / size} (relative)`);
});

test('minibatch SGD with a small step reduces the full loss towards the least-squares floor', () => {
  const { data, w0 } = problem(4, 60);
  const res = trainSGD(data, cloneWeights(w0), { schedule: { kind: 'power', c: 0.1, b: 1, p: 0.5 }, maxSteps: 3000, batchSize: 7, recordEvery: 100 }, new Rng(5));
  const stats = statsFromData(data);
  const first = res.trajectory[0].loss;
  assert.equal(res.trajectory.length, 31);
  assert.ok(res.loss - stats.lossOLS < 0.05 * (first - stats.lossOLS), `excess loss ${res.loss - stats.lossOLS} from ${first - stats.lossOLS}`);
});

test('the same rng seed gives identical bits; another seed gives other weights', () => {
  const { data, w0 } = problem(6);
  const opts = { schedule: { kind: 'constant' as const, lr: 0.05 }, maxSteps: 40, batchSize: 5 };
  const a = trainSGD(data, cloneWeights(w0), opts, new Rng(1));
  const b = trainSGD(data, cloneWeights(w0), opts, new Rng(1));
  const c = trainSGD(data, cloneWeights(w0), opts, new Rng(2));
  assert.deepEqual(a.weights.map((w) => Array.from(w.data)), b.weights.map((w) => Array.from(w.data)));
  assert.deepEqual(a.trajectory, b.trajectory);
  assert.ok(maxRelDiff(a.weights, c.weights) > 1e-6);
});

test('trainSGD stops as diverged on a huge step and rejects a bad batch size', () => {
  const { data, w0 } = problem(7);
  const res = trainSGD(data, cloneWeights(w0), { schedule: { kind: 'constant', lr: 1e3 }, maxSteps: 1000, batchSize: 4 }, new Rng(1));
  assert.equal(res.status, 'diverged');
  assert.ok(res.steps < 1000);
  assert.throws(() => trainSGD(data, cloneWeights(w0), { schedule: { kind: 'constant', lr: 1 }, maxSteps: 1, batchSize: 25 }, new Rng(1)), /batchSize must be an integer in \[1, 24\]/);
});
