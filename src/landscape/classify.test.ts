import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../linalg/rng.ts';
import { zeros } from '../linalg/mat.ts';
import { statsFromData } from '../model/stats.ts';
import { zeroWeights } from '../model/network.ts';
import { hessian } from '../model/hessian.ts';
import { PremiseError } from '../errors.ts';
import { buildCriticalPoint } from './criticalPoint.ts';
import { classify } from './classify.ts';
import { theorem7 } from './theorem7.ts';
import { tightening } from './tightening.ts';
import { hessianVerdict } from './hessianVerdict.ts';
import { randomData, randomWeights } from '../../test/helpers/randomInstance.ts';

function subsets(n: number, maxSize: number): number[][] {
  const out: number[][] = [[]];
  for (let i = 1; i <= n; i++) for (const s of [...out]) if (s.length < maxSize) out.push([...s, i]);
  return out;
}

/** Theorem 7 restated for built points: (N, S, r_max, preset) ↦ type. */
function theorem7Table(n: number, s: number[], rMax: number, kind: 'strict' | 'non-strict'): string {
  const top = s.every((v, i) => v === i + 1);
  if (s.length === rMax) return top ? 'global-minimum' : 'strict-saddle';
  return top && n >= 3 && kind === 'non-strict' ? 'non-strict-saddle' : 'strict-saddle';
}

test('Theorem 7 and the Hessian spectrum agree on every built critical point (both kinds where they exist)', () => {
  let count = 0;
  for (const [k, dims] of [[5, 4, 4, 4], [5, 3, 4], [4, 3, 3, 3, 3], [6, 4, 3, 2]].entries()) {
    const n = dims.length - 1, dy = dims[n], rMax = Math.min(...dims);
    const rng = new Rng(200 + k);
    const stats = statsFromData(randomData(dims[0], dy, 40, rng));
    for (const s of subsets(dy, rMax)) {
      for (const kind of ['strict', 'non-strict'] as const) {
        if (kind === 'non-strict' && (s.length === rMax || n === 2 || s.some((v, i) => v !== i + 1))) continue;
        const cp = buildCriticalPoint(stats, dims, s, { kind, gauge: 'random', rng });
        const res = classify(cp.weights, stats);
        const want = theorem7Table(n, s, rMax, kind);
        const label = `dims [${dims}], S = {${s}}, ${kind}: ${res.hessian.reason}`;
        assert.equal(res.theorem7.type, want, label);
        assert.equal(res.hessian.verdict, want, label);
        assert.ok(res.agree);
        assert.deepEqual(res.theorem7.subset, s);
        if (want === 'strict-saddle') assert.ok(res.hessian.lambdaMin < -1e-6 * res.hessian.lambdaMax, label);
        else assert.ok(res.hessian.lambdaMin >= -1e-11 * res.hessian.lambdaMax, label);
        count++;
      }
    }
  }
  assert.equal(count, 20 + 15 + 11 + 6);
});

test('the origin is a strict saddle at depth 2 and has an exactly zero Hessian (non-strict saddle) at depth ≥ 3', () => {
  const stats = statsFromData(randomData(4, 3, 30, new Rng(1)));
  const two = classify(zeroWeights([4, 3, 3]), stats);
  assert.equal(two.theorem7.type, 'strict-saddle');
  assert.equal(two.hessian.verdict, 'strict-saddle');
  assert.ok(two.hessian.lambdaMin < 0);
  for (const dims of [[4, 3, 3, 3], [4, 2, 5, 2, 3]]) {
    const w = zeroWeights(dims);
    assert.ok(hessian(w, stats).data.every((v) => v === 0), `dims [${dims}]`);
    const res = classify(w, stats);
    assert.equal(res.theorem7.type, 'non-strict-saddle');
    assert.equal(res.hessian.verdict, 'non-strict-saddle');
    assert.deepEqual(res.theorem7.subset, []);
    assert.equal(res.hessian.zeroCount, res.hessian.p);
  }
});

test('tightening inserts Σ_XY in the cycle: W_1 of rank 1 in a direction Σ_XY does not see is tightened and non-strict', () => {
  // d_x = 4 > d_y = 2, Σ_XX = I: Σ_XY = Xᵀ… spans the first two coordinates; W_1 = e_1 e_4ᵀ, W_2 = W_3 = 0.
  const x = zeros(4, 4), y = zeros(2, 4);
  for (let i = 0; i < 4; i++) x.data[i * 4 + i] = 1;
  y.data[0] = 3; y.data[1] = 1; y.data[4 + 1] = 2;
  const stats = statsFromData({ x, y });
  const w = zeroWeights([4, 3, 3, 2]);
  w[0].data[3] = 1;
  const t = tightening(w, stats);
  assert.equal(t.rank, 0);
  const pivot32 = t.pivots.find((p) => p.i === 3 && p.j === 2);
  assert.deepEqual(pivot32, { i: 3, j: 2, rank1: 0, rank2: 3, tightened: true }, 'W_1Σ_XY = 0 although rank W_1 = 1');
  assert.ok(t.tightened);
  assert.ok(hessian(w, stats).data.every((v) => v === 0), 'the Hessian is zero');
  const res = classify(w, stats);
  assert.equal(res.theorem7.type, 'non-strict-saddle');
  assert.equal(res.hessian.verdict, 'non-strict-saddle');
  // Rotating W_1 into a direction Σ_XY sees makes the same point strict.
  const seen = zeroWeights([4, 3, 3, 2]);
  seen.forEach((m, j) => m.data.set(w[j].data));
  seen[0].data[3] = 0; seen[0].data[0] = 1;
  const t2 = tightening(seen, stats);
  assert.equal(t2.tightened, false);
  assert.equal(classify(seen, stats).hessian.verdict, 'strict-saddle');
});

test('the rank-3 points of the report\'s 5-4-4-5 network: Z_2 = 1 is strict, Z_2 = 0 non-strict (THEORY §8.2)', () => {
  const rng = new Rng(2024), m = 1000;
  const x = zeros(5, m), y = zeros(5, m);
  rng.fillNormal(x.data);
  for (let i = 0; i < 5; i++) for (let s = 0; s < m; s++) y.data[i * m + s] = (5 - i) * x.data[i * m + s] + 0.1 * rng.normal();
  const stats = statsFromData({ x, y });
  const strict = classify(buildCriticalPoint(stats, [5, 4, 4, 5], [1, 2, 3], { kind: 'strict' }).weights, stats, { eigenvalues: 'all' });
  const flat = classify(buildCriticalPoint(stats, [5, 4, 4, 5], [1, 2, 3], { kind: 'non-strict' }).weights, stats, { eigenvalues: 'all' });
  assert.equal(strict.hessian.verdict, 'strict-saddle');
  assert.ok(strict.hessian.lambdaMin < -1e-2 * strict.hessian.lambdaMax, `λ_min ${strict.hessian.lambdaMin}, λ_max ${strict.hessian.lambdaMax}`);
  assert.equal(flat.hessian.verdict, 'non-strict-saddle');
  assert.ok(Math.abs(flat.hessian.lambdaMin) <= 1e-12 * flat.hessian.lambdaMax, `λ_min ${flat.hessian.lambdaMin}`);
  assert.ok(strict.agree && flat.agree);
  assert.ok((flat.hessian.zeroCount ?? 0) > 0, 'rescaling symmetries leave zero eigenvalues');
  assert.equal(strict.hessian.eigenvalues?.length, 56);
});

test('hessianVerdict by Lanczos on exact HVPs agrees with the dense spectrum', () => {
  const rng = new Rng(12);
  const stats = statsFromData(randomData(5, 4, 40, rng));
  for (const [s, kind] of [[[1, 2], 'strict'], [[1], 'non-strict'], [[1, 2, 3, 4], 'strict']] as const) {
    const cp = buildCriticalPoint(stats, [5, 4, 4, 4], [...s], { kind, gauge: 'random', rng });
    const dense = hessianVerdict(cp.weights, stats);
    const lanczos = hessianVerdict(cp.weights, stats, { denseLimit: 0 });
    assert.equal(lanczos.method, 'lanczos');
    assert.equal(lanczos.verdict, dense.verdict, `S = {${s}}`);
    assert.ok(Math.abs(lanczos.lambdaMax - dense.lambdaMax) <= 1e-8 * dense.lambdaMax);
    assert.ok(Math.abs(lanczos.lambdaMin - dense.lambdaMin) <= 1e-8 * dense.lambdaMax);
  }
});

test('weights that are not critical: Theorem 7 and the Hessian say so, tightening refuses with a PremiseError', () => {
  const rng = new Rng(13);
  const stats = statsFromData(randomData(4, 3, 30, rng));
  const w = randomWeights([4, 3, 3], rng);
  const res = classify(w, stats);
  assert.equal(res.theorem7.type, 'not-critical');
  assert.equal(res.hessian.verdict, 'not-critical');
  assert.ok(res.agree);
  assert.throws(() => tightening(w, stats), (e: unknown) => e instanceof PremiseError && e.exitCode === 3
    && /tightening needs a first-order critical point, but the relative gradient norm is/.test(e.message));
  assert.equal(theorem7(w, stats).subset, null);
});

test('the verdicts do not depend on the units of the data (X scaled by 1e-4 and 1e4)', () => {
  const rng = new Rng(14);
  const data = randomData(5, 4, 40, rng);
  for (const f of [1e-4, 1e4]) {
    const stats = statsFromData({ x: { ...data.x, data: data.x.data.map((v) => v * f) }, y: data.y });
    for (const [kind, want] of [['strict', 'strict-saddle'], ['non-strict', 'non-strict-saddle']] as const) {
      const cp = buildCriticalPoint(stats, [5, 4, 3, 4], [1, 2], { kind, gauge: 'random', rng });
      const res = classify(cp.weights, stats);
      assert.equal(res.theorem7.type, want, `scale ${f}, ${kind}`);
      assert.equal(res.hessian.verdict, want, `scale ${f}, ${kind}: ${res.hessian.reason}`);
    }
  }
});
