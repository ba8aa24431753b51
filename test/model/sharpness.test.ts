import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Mat } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/linalg/rng.ts';
import { eigvalsh } from '../../src/linalg/eigh.ts';
import { hessian } from '../../src/model/hessian.ts';
import { type SharpnessState, createSharpnessTracker, sharpness, DENSE_SHARPNESS_MAX_PARAMS } from '../../src/model/sharpness.ts';
import { maxRank, cloneWeights } from '../../src/model/network.ts';
import { buildCriticalPoint } from '../../src/landscape/criticalPoint.ts';
import { constantSchedule } from '../../src/optim/schedules.ts';
import { trainGD } from '../../src/optim/train.ts';
import { randomStats, randomWeights } from '../helpers/randomInstance.ts';

/** Shapes of depths 2–5, p from 23 to 1920. */
const SHAPES: number[][] = [[3, 5, 2], [6, 4, 5, 3], [5, 6, 6, 6, 4], [4, 3, 3, 3, 3, 2], [12, 20, 20, 10], [16, 24, 24, 24, 16]];

function dense(w: readonly Mat[], stats: ReturnType<typeof randomStats>): { max: number; min: number; scale: number } {
  const ev = eigvalsh(hessian(w, stats));
  const max = ev[ev.length - 1], min = ev[0];
  return { max, min, scale: Math.max(Math.abs(max), Math.abs(min)) };
}

function assertMatches(label: string, w: readonly Mat[], stats: ReturnType<typeof randomStats>, dims: number[]): void {
  const ref = dense(w, stats);
  const got = sharpness(w, stats, { lambdaMin: true, method: 'lanczos' });
  assert.ok(Math.abs(got.lambdaMax - ref.max) <= 1e-8 * Math.abs(ref.max), `${label} [${dims}]: λ_max ${got.lambdaMax} vs dense ${ref.max}`);
  assert.ok(Math.abs(got.lambdaMin - ref.min) <= 1e-8 * ref.scale, `${label} [${dims}]: λ_min ${got.lambdaMin} vs dense ${ref.min} (max|λ| ${ref.scale})`);
}

test('Lanczos sharpness matches the dense Hessian spectrum to 1e-8 at random points (depths 2–5, p up to 1920)', () => {
  for (const [k, dims] of SHAPES.entries()) {
    for (const std of [0.2, 0.8]) {
      const rng = new Rng(100 + k);
      const stats = randomStats(dims[0], dims[dims.length - 1], 2 * dims[0] + 3, rng);
      assertMatches(`random point std ${std}`, randomWeights(dims, rng, std), stats, dims);
      if (dims[1] > 20) break;
    }
  }
});

test('Lanczos sharpness matches the dense spectrum at and near saddles and global minima', () => {
  for (const [k, dims] of SHAPES.slice(0, 5).entries()) {
    const rng = new Rng(200 + k);
    const stats = randomStats(dims[0], dims[dims.length - 1], 2 * dims[0] + 3, rng);
    const r = maxRank(dims);
    const top = Array.from({ length: r }, (_, i) => i + 1);
    const points: [string, Mat[]][] = [
      ['global minimum', buildCriticalPoint(stats, dims, top, { kind: 'strict' }).weights],
      ['global minimum, random gauges', buildCriticalPoint(stats, dims, top, { kind: 'strict', gauge: 'random', rng }).weights],
      ['strict saddle (S skips index r)', buildCriticalPoint(stats, dims, r < dims[dims.length - 1] ? [...top.slice(0, r - 1), r + 1] : top.slice(1), { kind: 'strict' }).weights],
    ];
    if (dims.length > 3) points.push(['non-strict saddle S = {1}', buildCriticalPoint(stats, dims, [1], { kind: 'non-strict' }).weights]);
    for (const [label, w] of points) {
      assertMatches(label, w, stats, dims);
      const near = cloneWeights(w);
      for (const m of near) for (let i = 0; i < m.data.length; i++) m.data[i] += 1e-4 * rng.normal();
      assertMatches(`near ${label}`, near, stats, dims);
    }
  }
});

test('warm-started tracking along a GD run stays within 1e-8 of the dense spectrum and needs fewer HVPs than cold starts', () => {
  for (const dims of [[6, 8, 8, 5], [10, 12, 12, 12, 8]]) {
    const rng = new Rng(7);
    const stats = randomStats(dims[0], dims[dims.length - 1], 30, rng);
    const w = randomWeights(dims, rng, 0.5);
    const lam0 = sharpness(w, stats).lambdaMax;
    const points: Mat[][] = [];
    trainGD(stats, w, { schedule: constantSchedule(1 / lam0), maxSteps: 200, recordEvery: 10, onRecord: () => { points.push(cloneWeights(w)); } });
    const warm = createSharpnessTracker(dims, { method: 'lanczos', lambdaMin: true });
    const warmMax = createSharpnessTracker(dims, { method: 'lanczos' });
    let warmHvps = 0, coldHvps = 0, warmMaxHvps = 0, coldMaxHvps = 0;
    for (const [i, pt] of points.entries()) {
      const ref = dense(pt, stats);
      warm.measure(pt, stats); warmMax.measure(pt, stats);
      const cold = createSharpnessTracker(dims, { method: 'lanczos', lambdaMin: true }), coldMax = createSharpnessTracker(dims, { method: 'lanczos' });
      cold.measure(pt, stats); coldMax.measure(pt, stats);
      for (const [name, t] of [['warm', warm], ['warm λ_max only', warmMax], ['cold', cold]] as const) {
        assert.ok(Math.abs(t.lambdaMax - ref.max) <= 1e-8 * ref.max, `${name} record ${i}: λ_max ${t.lambdaMax} vs ${ref.max}`);
      }
      assert.ok(Math.abs(warm.lambdaMin - ref.min) <= 1e-8 * ref.scale, `record ${i}: λ_min ${warm.lambdaMin} vs ${ref.min}`);
      if (i > 0) { warmHvps += warm.hvps; coldHvps += cold.hvps; warmMaxHvps += warmMax.hvps; coldMaxHvps += coldMax.hvps; }
    }
    assert.ok(warmMaxHvps < coldMaxHvps, `[${dims}] λ_max: warm ${warmMaxHvps} HVPs vs cold ${coldMaxHvps}`);
    assert.ok(warmHvps < coldHvps, `[${dims}] λ_max and λ_min: warm ${warmHvps} HVPs vs cold ${coldHvps}`);
  }
});

test('a tracker restored from state() continues with the very bits of one that was never stopped', () => {
  const dims = [5, 7, 7, 4], rng = new Rng(3);
  const stats = randomStats(5, 4, 20, rng);
  const pts = [0.3, 0.31, 0.32, 0.33].map(() => randomWeights(dims, rng, 0.4));
  const a = createSharpnessTracker(dims, { lambdaMin: true });
  a.measure(pts[0], stats); a.measure(pts[1], stats);
  const saved: SharpnessState = a.state();
  const b = createSharpnessTracker(dims, { lambdaMin: true });
  b.restore(saved);
  for (const pt of pts.slice(2)) {
    a.measure(pt, stats); b.measure(pt, stats);
    assert.ok(Object.is(a.lambdaMax, b.lambdaMax) && Object.is(a.lambdaMin, b.lambdaMin) && a.hvps === b.hvps);
  }
  assert.throws(() => createSharpnessTracker([5, 6, 4], { lambdaMin: true }).restore(saved), /length 112 .* 54 parameters/);
});

test('the dense path and the Lanczos path agree; tiny networks use the dense path; non-finite weights give NaN', () => {
  const dims = [2, 2, 2], rng = new Rng(5);
  const stats = randomStats(2, 2, 9, rng);
  const w = randomWeights(dims, rng, 0.6);
  assert.ok(DENSE_SHARPNESS_MAX_PARAMS >= 8);
  const t = createSharpnessTracker(dims, { lambdaMin: true });
  assert.equal(t.method, 'dense');
  t.measure(w, stats);
  const l = sharpness(w, stats, { lambdaMin: true, method: 'lanczos' });
  assert.ok(Math.abs(t.lambdaMax - l.lambdaMax) <= 1e-12 * t.lambdaMax && Math.abs(t.lambdaMin - l.lambdaMin) <= 1e-12 * t.lambdaMax);
  w[0].data[0] = Number.NaN;
  for (const method of ['dense', 'lanczos'] as const) {
    const s = sharpness(w, stats, { method, lambdaMin: true });
    assert.ok(Number.isNaN(s.lambdaMax) && Number.isNaN(s.lambdaMin), method);
  }
});
