import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Mat, zeros, clone } from '../linalg/mat.ts';
import { matmulTN, matmulNT, matmul } from '../linalg/matmul.ts';
import { Rng } from '../linalg/rng.ts';
import { eigh } from '../linalg/eigh.ts';
import { statsFromData } from '../model/stats.ts';
import { initGaussian } from '../model/init.ts';
import { cloneWeights } from '../model/network.ts';
import { createGradWorkspace, lossAndGrad } from '../model/lossAndGrad.ts';
import { balancedness, invariants, invariantDrift } from '../model/invariants.ts';
import { type FlowOptions, type FlowResume, gradientFlow } from './flow.ts';
import { trainGD } from './train.ts';
import { gdStep } from './gd.ts';

function gaussian(rows: number, cols: number, rng: Rng, std = 1): Mat {
  const m = zeros(rows, cols);
  rng.fillNormal(m.data, std);
  return m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** A 3-layer problem with unequal widths and Σ_XX of order 1. */
function problem(seed: number) {
  const rng = new Rng(seed);
  const data = { x: gaussian(3, 20, rng, 1 / Math.sqrt(20)), y: gaussian(3, 20, rng, 1 / Math.sqrt(20)) };
  return { stats: statsFromData(data), w0: initGaussian([3, 4, 2, 3], rng, 0.7) };
}

test('on a depth-1 network the flow matches W(t) = A + (W(0) − A)·exp(−Σ_XX t)', () => {
  const rng = new Rng(1);
  const stats = statsFromData({ x: gaussian(3, 10, rng, 0.5), y: gaussian(2, 10, rng) });
  const w0 = gaussian(2, 3, rng), tEnd = 1.5;
  const res = gradientFlow(stats, [clone(w0)], { tEnd });
  assert.equal(res.status, 'end-time');
  assert.equal(res.t, tEnd);
  const { values, vectors } = eigh(stats.sxx);
  const e = zeros(3, 3); // V diag(exp(−λt)) Vᵀ
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    for (let k = 0; k < 3; k++) e.data[i * 3 + j] += vectors.data[i * 3 + k] * Math.exp(-values[k] * tEnd) * vectors.data[j * 3 + k];
  }
  const diff = zeros(2, 3);
  for (let i = 0; i < 6; i++) diff.data[i] = w0.data[i] - stats.ols.data[i];
  const exact = matmul(zeros(2, 3), diff, e);
  let err = 0;
  for (let i = 0; i < 6; i++) err = Math.max(err, Math.abs(exact.data[i] + stats.ols.data[i] - res.weights[0].data[i]));
  assert.ok(err <= 1e-7 * maxAbs(w0.data), `max error ${err.toExponential(2)} after ${res.steps} steps`);
  const tight = gradientFlow(stats, [clone(w0)], { tEnd, rtol: 1e-12, atol: 1e-14 });
  let errTight = 0;
  for (let i = 0; i < 6; i++) errTight = Math.max(errTight, Math.abs(exact.data[i] + stats.ols.data[i] - tight.weights[0].data[i]));
  assert.ok(errTight < err / 10, `tighter tolerances must be more accurate: ${errTight} vs ${err}`);
});

test('the invariants C_j are conserved along the flow to the integration tolerance', () => {
  const { stats, w0 } = problem(2);
  const res = gradientFlow(stats, cloneWeights(w0), { tEnd: 2, recordDt: 0.5 });
  assert.equal(res.status, 'end-time');
  assert.deepEqual(res.trajectory.map((r) => r.t), [0, 0.5, 1, 1.5, 2]);
  const scale = Math.max(...invariants(w0).map((c) => maxAbs(c.data)), 1);
  const drift = invariantDrift(res.weights, res.c0);
  assert.ok(drift <= 1e-6 * scale, `flow drift ${drift.toExponential(2)}`);
  for (let k = 1; k < res.trajectory.length; k++) assert.ok(res.trajectory[k].loss < res.trajectory[k - 1].loss, 'L decreases along the flow');
  assert.ok(res.loss < 0.9 * res.trajectory[0].loss, 'the horizon is long enough to move the weights');
});

test('GD over the same horizon T drifts by O(η): halving η roughly halves the drift, far above the flow\'s', () => {
  const { stats, w0 } = problem(2);
  const T = 2;
  const drifts = [0.02, 0.01, 0.005].map((eta) => {
    const res = trainGD(stats, cloneWeights(w0), { schedule: { kind: 'constant', lr: eta }, maxSteps: Math.round(T / eta) });
    return invariantDrift(res.weights, res.c0);
  });
  for (let i = 1; i < drifts.length; i++) {
    const ratio = drifts[i - 1] / drifts[i];
    assert.ok(ratio > 1.7 && ratio < 2.3, `drift ratio ${ratio} for η halved (drifts ${drifts.map((d) => d.toExponential(2))})`);
  }
  const flow = gradientFlow(stats, cloneWeights(w0), { tEnd: T });
  assert.ok(invariantDrift(flow.weights, flow.c0) < drifts[2] / 100);
});

test('one GD step changes C_j by exactly η²(G_{j+1}ᵀG_{j+1} − G_jG_jᵀ)', () => {
  // Unscaled data make η²‖G‖² comparable to ‖W‖², so that rounding (ε‖W‖²) is small relative to the change.
  const rng = new Rng(3);
  const stats = statsFromData({ x: gaussian(3, 20, rng), y: gaussian(3, 20, rng) });
  const w = initGaussian([3, 4, 2, 3], rng, 0.7), eta = 0.05;
  const grads = w.map((m) => zeros(m.rows, m.cols));
  lossAndGrad(w, stats, grads, createGradWorkspace([3, 4, 2, 3]));
  const before = invariants(w);
  gdStep(w, grads, eta);
  const after = invariants(w);
  for (let j = 0; j < before.length; j++) {
    const d = before[j].rows;
    const predicted = matmulTN(zeros(d, d), grads[j + 1], grads[j + 1]);
    const gg = matmulNT(zeros(d, d), grads[j], grads[j]);
    for (let i = 0; i < predicted.data.length; i++) predicted.data[i] = eta * eta * (predicted.data[i] - gg.data[i]);
    // Rounding in C_j(k) and C_j(k+1) is of order ε·‖W‖², which is what bounds the comparison.
    const roundoff = 16 * d * 2.220446049250313e-16 * Math.max(maxAbs(before[j].data), ...w.map((m) => maxAbs(m.data) ** 2));
    let err = 0;
    for (let i = 0; i < predicted.data.length; i++) err = Math.max(err, Math.abs(after[j].data[i] - before[j].data[i] - predicted.data[i]));
    const size = maxAbs(predicted.data);
    assert.ok(size > 1e3 * roundoff, 'the step must be large enough for the test to see the η² term');
    assert.ok(err <= roundoff && err <= 1e-14 * size, `C${j + 1}: error ${err.toExponential(2)} vs change ${size.toExponential(2)}`);
  }
});

test('gradientFlow stops at tEnd exactly, honours maxSteps and gradTol, reports a NaN start as diverged, and rejects bad options', () => {
  const { stats, w0 } = problem(4);
  const res = gradientFlow(stats, cloneWeights(w0), { tEnd: 0.3, recordEvery: 1 });
  assert.equal(res.t, 0.3);
  assert.equal(res.trajectory.length, res.steps + 1);
  assert.ok(res.gradientEvaluations >= 6 * res.steps + 1);
  const cut = gradientFlow(stats, cloneWeights(w0), { tEnd: 100, maxSteps: 3 });
  assert.equal(cut.status, 'max-steps');
  assert.equal(cut.steps, 3);
  assert.ok(cut.t > 0 && cut.t < 100);
  const conv = gradientFlow(stats, cloneWeights(w0), { tEnd: 1e4, gradTol: 1e-6 });
  assert.equal(conv.status, 'converged');
  assert.ok(conv.gradNorm <= 1e-6 && conv.t < 1e4);
  const nan = cloneWeights(w0);
  nan[1].data[0] = Number.NaN;
  const bad = gradientFlow(stats, nan, { tEnd: 1 });
  assert.deepEqual([bad.status, bad.steps], ['diverged', 0]);
  assert.throws(() => gradientFlow(stats, cloneWeights(w0), { tEnd: -1 }), /tEnd must be/);
  assert.throws(() => gradientFlow(stats, cloneWeights(w0), { tEnd: 1, rtol: 0 }), /rtol and atol/);
  assert.throws(() => gradientFlow(stats, cloneWeights(w0), { tEnd: 1, recordDt: 0 }), /recordDt/);
});

/** Runs the flow, stopping at the polls listed in stopAt (1-based) and resuming after each; returns the end and the stops' states. */
function runInterrupted(stats: ReturnType<typeof problem>['stats'], w0: Mat[], options: FlowOptions, stopAt: readonly number[]) {
  let polls = 0;
  const stops = new Set(stopAt), states: FlowResume[] = [];
  const opts: FlowOptions = { ...options, shouldStop: () => stops.has(++polls) };
  let res = gradientFlow(stats, cloneWeights(w0), opts);
  while (res.status === 'interrupted') {
    states.push(res.resume);
    // Through JSON and fresh arrays, as a checkpoint on disk would be.
    const resume = JSON.parse(JSON.stringify({ ...res.resume, c0: [] })) as FlowResume;
    resume.c0 = res.resume.c0.map((c) => clone(c));
    res = gradientFlow(stats, cloneWeights(res.weights), opts, resume);
  }
  return { res, states };
}

test('an interrupted flow resumed from its state ends with the bits of an uninterrupted run (weights, trajectory, counts), at every poll', () => {
  const { stats, w0 } = problem(5);
  // Loose tolerances make the controller reject a few steps along the way, so that some stops follow a rejection.
  const runs: FlowOptions[] = [{ tEnd: 5, rtol: 1e-4, atol: 1e-6, recordEvery: 3 }, { tEnd: 10, rtol: 1e-3, atol: 1e-5, recordDt: 1.5 }, { tEnd: 1.5, recordEvery: 4, h0: 20 }];
  for (const options of runs) {
    let polls = 0;
    const whole = gradientFlow(stats, cloneWeights(w0), { ...options, shouldStop: () => { polls++; return false; } });
    assert.equal(whole.status, 'end-time');
    assert.ok(whole.rejectedSteps > 0 && polls > 10, `${whole.rejectedSteps} rejections, ${polls} polls`);
    let afterRejection = 0;
    const schedules = [...Array.from({ length: polls }, (_, k) => [k + 1]), Array.from({ length: polls }, (_, k) => k + 1)];
    for (const stopAt of schedules) {
      const { res, states } = runInterrupted(stats, w0, options, stopAt);
      assert.ok(states.length >= 1, `stops at polls ${stopAt.join(',')}`);
      afterRejection += states.filter((s) => s.facMax === 1).length;
      assert.equal(res.status, 'end-time');
      res.weights.forEach((w, j) => assert.deepStrictEqual(w.data, whole.weights[j].data, `W${j + 1} after stops at ${stopAt.join(',')}`));
      assert.deepStrictEqual(res.trajectory, whole.trajectory);
      assert.deepStrictEqual([res.steps, res.t, res.rejectedSteps, res.gradientEvaluations, res.loss, res.gradNorm, res.balancedness],
        [whole.steps, whole.t, whole.rejectedSteps, whole.gradientEvaluations, whole.loss, whole.gradNorm, whole.balancedness]);
    }
    if (options.h0 === undefined) assert.ok(afterRejection > 0, 'some stop came right after a rejected step');
  }
});

test('an interrupted flow leaves its last state unrecorded, and gradientFlow rejects a resume state that does not fit', () => {
  const { stats, w0 } = problem(5);
  let polls = 0;
  const cut = gradientFlow(stats, cloneWeights(w0), { tEnd: 1, recordEvery: 100, shouldStop: () => ++polls === 4 });
  assert.equal(cut.status, 'interrupted');
  assert.deepEqual(cut.trajectory.map((r) => r.step), [0]);
  assert.ok(cut.steps > 0 && cut.resume.step === cut.steps && cut.resume.t === cut.t);
  assert.throws(() => gradientFlow(stats, cloneWeights(w0), { tEnd: 1 }, { ...cut.resume, c0: [] }), /resume\.c0 holds no matrices/);
  assert.throws(() => gradientFlow(stats, cloneWeights(w0), { tEnd: 1 }, { ...cut.resume, step: -1 }), /resume\.step must be/);
  assert.throws(() => gradientFlow(stats, cloneWeights(w0), { tEnd: 1 }, { ...cut.resume, h: Number.NaN }), /resume\.h/);
});

test('the result\'s balancedness is that of the returned weights, even after the caller changes them, for the flow and for GD', () => {
  const rng = new Rng(21);
  const stats = statsFromData({ x: gaussian(4, 30, rng, 0.3), y: gaussian(3, 30, rng, 0.3) });
  const w0 = initGaussian([4, 5, 3], rng, 0.4);
  const runs = [
    gradientFlow(stats, cloneWeights(w0), { tEnd: 0.5, maxSteps: 1000 }),
    trainGD(stats, cloneWeights(w0), { schedule: { kind: 'constant', lr: 1e-3 }, maxSteps: 50 }),
  ];
  for (const r of runs) {
    const want = balancedness(cloneWeights(r.weights));
    assert.ok(want > 0 && Number.isFinite(want));
    for (const w of r.weights) w.data.fill(7); // the caller goes on with the arrays (the playground's next slice)
    assert.ok(Object.is(r.balancedness, want), `${r.balancedness} vs ${want}`);
    assert.equal(JSON.parse(JSON.stringify({ b: r.balancedness })).b, want, 'enumerable, as a plain field');
  }
});
