import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { type Mat, zeros } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import { eigvalsh } from '../linalg/eigh.ts';
import { statsFromData } from '../model/stats.ts';
import { initGaussian } from '../model/init.ts';
import { cloneWeights } from '../model/network.ts';
import { trainGD } from './train.ts';
import type { TrajectoryRecord } from './trajectory.ts';

function gaussian(rows: number, cols: number, rng: Rng, std = 1): Mat {
  const m = zeros(rows, cols);
  rng.fillNormal(m.data, std);
  return m;
}

/** [REP] §4-like data: X i.i.d. N(0,1) (5×m), Y = diag(5,4,3,2,1)X + 0.1·noise. */
function reportData(rng: Rng, m: number) {
  const x = gaussian(5, m, rng), y = gaussian(5, m, rng, 0.1);
  for (let i = 0; i < 5; i++) for (let c = 0; c < m; c++) y.data[i * m + c] += (5 - i) * x.data[i * m + c];
  return { x, y };
}

function bits(w: Mat[]): string {
  return w.map((m) => Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength).toString('hex')).join('|');
}

function numpyLstsq(x: Mat, y: Mat): number[] | null {
  const code = 'import sys,json,numpy as n;d=json.load(sys.stdin);X=n.array(d["x"]).reshape(d["dx"],-1);Y=n.array(d["y"]).reshape(d["dy"],-1);' +
    'print(json.dumps(n.linalg.lstsq(X.T,Y.T,rcond=None)[0].T.ravel().tolist()))';
  const r = spawnSync('python3', ['-c', code], { input: JSON.stringify({ x: Array.from(x.data), y: Array.from(y.data), dx: x.rows, dy: y.rows }), encoding: 'utf8' });
  return r.status === 0 ? JSON.parse(r.stdout) : null;
}

test('GD on a depth-1 network converges to the least-squares solution (stats.ols and numpy lstsq)', (t) => {
  const rng = new Rng(1);
  const data = { x: gaussian(3, 20, rng), y: gaussian(2, 20, rng) };
  const stats = statsFromData(data);
  const lmax = eigvalsh(stats.sxx)[2];
  const w = [zeros(2, 3)];
  const res = trainGD(stats, w, { schedule: { kind: 'constant', lr: 1 / lmax }, maxSteps: 20000, gradTol: 1e-12 });
  assert.equal(res.status, 'converged');
  assert.equal(res.weights, w, 'the weights are updated in place');
  const scale = Math.max(...stats.ols.data.map(Math.abs));
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(w[0].data[i] - stats.ols.data[i]) <= 1e-11 * scale, `entry ${i}`);
  assert.ok(Math.abs(res.loss - stats.lossOLS) <= 1e-12 * stats.lossOLS);
  const ref = numpyLstsq(data.x, data.y);
  if (ref === null) { t.skip('python3 with numpy not available'); return; }
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(w[0].data[i] - ref[i]) <= 1e-11 * scale, `numpy entry ${i}: ${w[0].data[i]} vs ${ref[i]}`);
});

test('GD at a small step on report-like data decreases the loss monotonically with sufficient decrease', () => {
  const rng = new Rng(2);
  const stats = statsFromData(reportData(rng, 200));
  const w = initGaussian([5, 4, 4, 5], rng, 0.2);
  const eta = 2e-4;
  const recs: TrajectoryRecord[] = [];
  const res = trainGD(stats, w, { schedule: { kind: 'constant', lr: eta }, maxSteps: 400, recordEvery: 1, onRecord: (r) => recs.push(r) });
  assert.equal(res.status, 'max-steps');
  assert.equal(recs.length, 401);
  for (let k = 0; k < 400; k++) {
    const { loss, gradNorm } = recs[k];
    // L(k+1) ≤ L(k) − (η/2)‖∇L(k)‖² holds when η is below 1/(local smoothness).
    assert.ok(recs[k + 1].loss <= loss - 0.5 * eta * gradNorm * gradNorm, `step ${k}: ${recs[k + 1].loss} after ${loss}`);
  }
  assert.ok(res.loss < 0.5 * recs[0].loss, 'the run makes real progress');
});

test('an interrupted run resumed from its state gives the same weights and trajectory bit for bit', () => {
  const rng = new Rng(3);
  const stats = statsFromData(reportData(rng, 50));
  const w0 = initGaussian([5, 3, 4, 5], rng, 0.3);
  const options = { schedule: { kind: 'power' as const, c: 5e-3, b: 2, p: 0.5 }, maxSteps: 57, recordEvery: 5 };
  const full = trainGD(stats, cloneWeights(w0), options);
  for (const stopAfter of [20, 23]) { // on and off the recording grid
    let n = 0;
    const part = trainGD(stats, cloneWeights(w0), { ...options, shouldStop: () => ++n >= stopAfter });
    assert.equal(part.status, 'interrupted');
    assert.equal(part.steps, stopAfter);
    const resumed = trainGD(stats, part.weights, options, { step: part.steps, trajectory: part.trajectory, c0: part.c0 });
    assert.equal(resumed.status, 'max-steps');
    assert.equal(resumed.steps, 57);
    assert.equal(bits(resumed.weights), bits(full.weights));
    assert.deepEqual(resumed.trajectory, full.trajectory);
    assert.equal(resumed.loss, full.loss);
  }
  assert.deepEqual(full.trajectory.map((r) => r.step), [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 57]);
});

test('the same inputs give identical bits, and the first record has zero drift', () => {
  const run = () => {
    const rng = new Rng(4);
    const stats = statsFromData(reportData(rng, 30));
    return trainGD(stats, initGaussian([5, 4, 5], rng, 0.2), { schedule: { kind: 'constant', lr: 1e-3 }, maxSteps: 30 });
  };
  const a = run(), b = run();
  assert.equal(bits(a.weights), bits(b.weights));
  assert.deepEqual(a.trajectory, b.trajectory);
  assert.equal(a.trajectory[0].drift, 0);
  assert.ok(a.trajectory[a.trajectory.length - 1].drift > 0);
});

test('a step far too large stops as diverged with no NaN passed on as a result', () => {
  const rng = new Rng(5);
  const stats = statsFromData(reportData(rng, 40));
  const res = trainGD(stats, initGaussian([5, 5, 5, 5], rng, 0.5), { schedule: { kind: 'constant', lr: 1 }, maxSteps: 10000 });
  assert.equal(res.status, 'diverged');
  assert.ok(res.steps < 10000);
  assert.ok(!(res.loss <= 1e12), `reported loss ${res.loss} is the offending one`);
  const nanStart = initGaussian([5, 5], rng, 1);
  nanStart[0].data[3] = Number.NaN;
  const r2 = trainGD(stats, nanStart, { schedule: { kind: 'constant', lr: 1e-3 }, maxSteps: 10 });
  assert.equal(r2.status, 'diverged');
  assert.equal(r2.steps, 0);
});

test('lossTol and gradTol stop the run as converged; divergeAbove is honoured', () => {
  const rng = new Rng(6);
  const stats = statsFromData(reportData(rng, 40));
  const w = initGaussian([5, 5], rng, 0.1);
  const l0 = trainGD(stats, cloneWeights(w), { schedule: { kind: 'constant', lr: 0 }, maxSteps: 0 }).loss;
  const byLoss = trainGD(stats, cloneWeights(w), { schedule: { kind: 'constant', lr: 1e-3 }, maxSteps: 10000, lossTol: l0 / 10 });
  assert.equal(byLoss.status, 'converged');
  assert.ok(byLoss.loss <= l0 / 10 && byLoss.steps > 0);
  const byGrad = trainGD(stats, cloneWeights(w), { schedule: { kind: 'constant', lr: 1e-3 }, maxSteps: 10000, gradTol: 1e-3 });
  assert.equal(byGrad.status, 'converged');
  assert.ok(byGrad.gradNorm <= 1e-3);
  const low = trainGD(stats, cloneWeights(w), { schedule: { kind: 'constant', lr: 1e-3 }, maxSteps: 10, divergeAbove: l0 / 2 });
  assert.equal(low.status, 'diverged');
});

test('trainGD rejects bad options and networks that do not fit the data', () => {
  const rng = new Rng(7);
  const stats = statsFromData(reportData(rng, 10));
  const w = initGaussian([5, 3, 5], rng, 1);
  const lr = { kind: 'constant' as const, lr: 1e-3 };
  assert.throws(() => trainGD(stats, w, { schedule: lr, maxSteps: -1 }), /maxSteps must be an integer ≥ 0/);
  assert.throws(() => trainGD(stats, w, { schedule: lr, maxSteps: 5, recordEvery: 0 }), /recordEvery/);
  assert.throws(() => trainGD(stats, w, { schedule: { kind: 'constant', lr: -1 }, maxSteps: 5 }), /lr must be/);
  assert.throws(() => trainGD(stats, initGaussian([4, 5], rng, 1), { schedule: lr, maxSteps: 5 }), { name: 'ShapeError', message: 'the network of widths 4,5 starts with 4, but X has 5 features' });
  assert.throws(() => trainGD(stats, w, { schedule: lr, maxSteps: 5 }, { step: 2, trajectory: [], c0: [zeros(5, 5)] }), /resume.c0 holds 5×5, but widths \[5,3,5\]/);
  assert.throws(() => trainGD(stats, w, { schedule: lr, maxSteps: 5 }, { step: -1, trajectory: [], c0: [zeros(3, 3)] }), /resume.step/);
});
