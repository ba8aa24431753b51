import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Mat, zeros } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import { type Dataset, statsFromData } from '../model/stats.ts';
import { createGradWorkspace, lossAndGrad } from '../model/lossAndGrad.ts';
import { initBalanced, initGaussian } from '../model/init.ts';
import { gdStep } from '../optim/gd.ts';
import { balancedness } from '../model/invariants.ts';
import { boundData } from './boundData.ts';
import { nrtBound, lemmaM } from './nrtBound.ts';
import { uniformBound } from './uniformBound.ts';
import { ArgumentError, PremiseError, ShapeError } from '../errors.ts';

function randomData(dx: number, dy: number, m: number, rng: Rng): Dataset {
  const x = zeros(dx, m), y = zeros(dy, m);
  rng.fillNormal(x.data); rng.fillNormal(y.data);
  return { x, y };
}

const dims = [3, 4, 4, 2];
const rng = new Rng(31);
const data = randomData(3, 2, 10, rng);
const bd = boundData(data);
const omega: Mat[][] = [0.1, 0.2, 0.3, 0.25, 0.15].map((std) => initGaussian(dims, rng, std));
const delta = 1.5 * Math.max(...omega.map((w) => balancedness(w)));

test('Theorem 2.6 constants: L_Ω = max L, M_Ω = (√(2L_Ω) + ‖Y‖)/σ_min(X), α = max bal/δ by default', () => {
  const u = uniformBound(bd, omega, { delta });
  const stats = statsFromData(data);
  const losses = omega.map((w) => lossAndGrad(w, stats, null, createGradWorkspace(dims)));
  assert.equal(u.count, 5);
  assert.equal(u.LOmega, Math.max(...losses));
  assert.equal(u.MOmega, lemmaM(u.LOmega, bd.normY, bd.sigmaMinX));
  assert.equal(u.maxBalancedness, Math.max(...omega.map((w) => balancedness(w))));
  assert.ok(Math.abs(u.alpha - 1 / 1.5) < 1e-15);
  assert.ok(Math.abs(u.K - (Math.pow(u.MOmega, 2 / 3) + 16 * delta)) <= 1e-14 * u.K);
});

test('the uniform step bound is at most every single-initialisation bound at the same δ', () => {
  const u = uniformBound(bd, omega, { delta });
  for (const w of omega) assert.ok(u.etaMax <= nrtBound(bd, w, { delta }).etaMax);
});

test('for a one-point Ω with the default α the uniform bound is Theorem 2.4\'s bound', () => {
  const u = uniformBound(bd, [omega[2]], { delta });
  const b = nrtBound(bd, omega[2], { delta });
  assert.ok(Math.abs(u.etaMax - b.etaMax) <= 1e-14 * b.etaMax);
  assert.equal(u.K, b.K);
  assert.equal(u.B, b.B);
});

test('GD with the uniform step from every W ∈ Ω keeps the loss monotone and the balancedness ≤ δ', () => {
  const u = uniformBound(bd, omega, { delta });
  const stats = statsFromData(data);
  for (const w0 of omega) {
    const w = w0.map((m) => ({ rows: m.rows, cols: m.cols, data: m.data.slice() }));
    const g = w.map((m) => zeros(m.rows, m.cols)), ws = createGradWorkspace(dims);
    let loss = lossAndGrad(w, stats, g, ws);
    for (let k = 0; k < 100; k++) {
      gdStep(w, g, u.etaMax);
      const next = lossAndGrad(w, stats, g, ws);
      assert.ok(next <= loss * (1 + 1e-14));
      assert.ok(balancedness(w) <= delta);
      loss = next;
    }
  }
});

test('a balanced Ω with α = 0 is accepted despite rounding-level invariants', () => {
  const bal = [1, 2, 3].map(() => initBalanced(dims, rng, 0.8));
  const u = uniformBound(bd, bal, { delta: 0.5, alpha: 0 });
  assert.equal(u.alpha, 0);
  assert.ok(u.etaMax > 0);
});

test("premises fail by name: 'alpha-below-one', 'balancedness-within-alpha-delta', 'delta-positive', 'sigma-xx-singular'", () => {
  const premise = (name: string) => (e: unknown) => e instanceof PremiseError && e.premise === name;
  const maxBal = Math.max(...omega.map((w) => balancedness(w)));
  assert.throws(() => uniformBound(bd, omega, { delta: maxBal }), premise('alpha-below-one'));
  assert.throws(() => uniformBound(bd, omega, { delta, alpha: 1 }), premise('alpha-below-one'));
  assert.throws(() => uniformBound(bd, omega, { delta, alpha: 0.5 }), (e: unknown) => premise('balancedness-within-alpha-delta')(e) && /initialisation \d/.test((e as Error).message));
  assert.throws(() => uniformBound(bd, omega, { delta: 0 }), premise('delta-positive'));
  const few = boundData(randomData(3, 2, 2, rng));
  assert.throws(() => uniformBound(few, omega, { delta }), premise('sigma-xx-singular'));
});

test('an empty Ω or tuples of different shapes are input errors', () => {
  assert.throws(() => uniformBound(bd, [], { delta }), ArgumentError);
  assert.throws(() => uniformBound(bd, [omega[0], initGaussian([3, 5, 4, 2], rng, 0.1)], { delta }), ShapeError);
});
