import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, zeros, matmul, matmulNT, randomNormal, singularValues, eye, maxAbsDiff } from '../linalg/index.ts';
import { statsFromData, initAligned } from '../model/index.ts';
import { whitenInputs } from '../data/index.ts';
import { trainGD, gradientFlow, constantSchedule } from '../optim/index.ts';
import { balancedness } from '../model/index.ts';
import { saxeGdMode, saxeFlowTime, saxeFlowValue, saxeLearningTime, saxeGdLearningStep } from './saxeModes.ts';

/** ∫_{σ0}^{σ} dσ/(Nσ^{2−2/N}(s − σ)) by composite Simpson on a log grid: independent of saxeFlowTime's partial fractions. */
function simpsonTime(sigma0: number, sigma: number, s: number, n: number): number {
  const k = 200000, lo = Math.log(sigma0), hi = Math.log(sigma), h = (hi - lo) / k;
  const f = (u: number): number => { const x = Math.exp(u); return x / (n * x ** (2 - 2 / n) * (s - x)); };
  let sum = f(lo) + f(hi);
  for (let i = 1; i < k; i++) sum += (i % 2 === 1 ? 4 : 2) * f(lo + i * h);
  return (sum * h) / 3;
}

test('saxeFlowTime equals the integral of dσ/(Nσ^{2−2/N}(s−σ)) (THEORY §14.3) for N = 1..5', () => {
  for (const n of [1, 2, 3, 4, 5]) {
    for (const [s0, s1, s] of [[1e-3, 0.5, 1], [0.01, 2.9, 3], [0.2, 1.7, 2]]) {
      const got = saxeFlowTime(s0, s1, s, n), want = simpsonTime(s0, s1, s, n);
      assert.ok(Math.abs(got - want) <= 1e-9 * want, `N=${n} σ0=${s0} σ=${s1} s=${s}: ${got} vs ${want}`);
    }
  }
});

test('saxeFlowValue solves dσ/dt = Nσ^{2−2/N}(s − σ): logistic at N = 2, inverse of saxeFlowTime otherwise', () => {
  for (const n of [2, 3, 4]) {
    const s = 2, s0 = 1e-3, tHalf = saxeLearningTime(s0, s, n);
    assert.ok(Math.abs(saxeFlowValue(s0, s, n, tHalf) - s / 2) <= 1e-9, `N=${n}: σ(t_half) = s/2`);
    for (const t of [0.3 * tHalf, tHalf, 1.01 * tHalf]) {
      const h = 1e-5 * tHalf, sig = saxeFlowValue(s0, s, n, t);
      const deriv = (saxeFlowValue(s0, s, n, t + h) - saxeFlowValue(s0, s, n, t - h)) / (2 * h);
      const rhs = n * sig ** (2 - 2 / n) * (s - sig);
      assert.ok(Math.abs(deriv - rhs) <= 1e-5 * Math.abs(rhs), `N=${n} t=${t}: dσ/dt ${deriv} vs ${rhs}`);
    }
  }
  // N = 2 from small σ0: t_half = ln((s − σ0)/σ0)/(2s).
  assert.ok(Math.abs(saxeLearningTime(1e-4, 3, 2) - Math.log((3 - 1e-4) / 1e-4) / 6) <= 1e-13);
});

test('the GD recursion a ← a + η(s − a^N)a^{N−1}: fixed point s^{1/N}, learning step near t_half/η', () => {
  const a = saxeGdMode(0.1, 2, 3, 0.01, 20000);
  assert.ok(Math.abs(a[20000] - 2 ** (1 / 3)) <= 1e-12);
  const k = saxeGdLearningStep(0.1, 2, 3, 0.001, 10 ** 7)!;
  const t = saxeLearningTime(0.1 ** 3, 2, 3);
  assert.ok(Math.abs(k * 0.001 - t) <= 0.01 * t, `GD step ${k}·η vs flow time ${t}`);
});

function whitenedStats(dx: number, dy: number, rng: Rng) {
  const m = 20, x = randomNormal(dx, m, rng, 1), y = matmul(zeros(dy, m), randomNormal(dy, dx, rng, 0.5), x);
  return statsFromData(whitenInputs({ x, y }));
}

test('whitenInputs makes Σ_XX = I; initAligned is balanced with product c^N U_kV_kᵀ', () => {
  const rng = new Rng(21);
  const stats = whitenedStats(4, 3, rng);
  assert.ok(maxAbsDiff(stats.sxx, eye(4)) <= 1e-13);
  const w = initAligned([4, 5, 3, 3], stats.syx, rng, 0.3);
  assert.ok(balancedness(w) <= 1e-14);
  let p = w[0];
  for (let j = 1; j < w.length; j++) p = matmul(zeros(w[j].rows, p.cols), w[j], p);
  const sv = singularValues(p);
  for (const v of sv) assert.ok(Math.abs(v - 0.027) <= 1e-15, `product singular value ${v} vs 0.3³`);
  // Aligned: PΣ_XYᵀ... the product's right and left singular vectors are those of Σ_YX, so PᵀΣ_YX is symmetric PSD.
  const pts = matmulNT(zeros(3, 3), stats.syx, p);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.ok(Math.abs(pts.data[i * 3 + j] - pts.data[j * 3 + i]) <= 1e-14);
});

test("dln's GD from the aligned initialisation follows the scalar recursion per mode to rounding (N = 2, 3, 4)", () => {
  const rng = new Rng(22);
  for (const dims of [[3, 4, 3], [3, 3, 3, 3], [4, 4, 3, 5, 3]]) {
    const n = dims.length - 1, stats = whitenedStats(dims[0], dims[n], rng);
    const s = singularValues(stats.syx);
    const eta = 0.2 / (n * s[0] ** (2 - 2 / n)), steps = 3000;
    const run = trainGD(stats, initAligned(dims, stats.syx, rng, 0.2), { schedule: constantSchedule(eta), maxSteps: steps, recordEvery: 100 });
    for (const rec of run.trajectory) {
      rec.singularValues.forEach((sv, i) => {
        const a = saxeGdMode(0.2, s[i], n, eta, rec.step)[rec.step];
        assert.ok(Math.abs(sv - a ** n) <= 1e-11 * Math.max(s[i], 1), `${dims} step ${rec.step} mode ${i + 1}: ${sv} vs a^N = ${a ** n}`);
      });
    }
  }
});

test("dln's gradient flow from the aligned initialisation matches the closed-form mode solution", () => {
  const rng = new Rng(23);
  for (const dims of [[3, 3, 3], [3, 4, 4, 3]]) {
    const n = dims.length - 1, stats = whitenedStats(3, 3, rng), s = singularValues(stats.syx);
    const t1 = saxeLearningTime(0.1 ** n, s[2], n) * 1.5;
    const flow = gradientFlow(stats, initAligned(dims, stats.syx, rng, 0.1), { tEnd: t1, rtol: 1e-11, atol: 1e-13, recordDt: t1 / 10 });
    for (const rec of flow.trajectory) {
      rec.singularValues.forEach((sv, i) => {
        const want = saxeFlowValue(0.1 ** n, s[i], n, rec.t!);
        assert.ok(Math.abs(sv - want) <= 1e-7 * s[i], `${dims} t=${rec.t} mode ${i + 1}: ${sv} vs ${want}`);
      });
    }
  }
});
