import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../linalg/rng.ts';
import { type Mat, zeros } from '../linalg/mat.ts';
import { matmul } from '../linalg/matmul.ts';
import { singularValues } from '../linalg/svd.ts';
import { statsFromData } from '../model/stats.ts';
import { ArgumentError, ShapeError } from '../errors.ts';
import { buildCriticalPoint } from './criticalPoint.ts';
import { criticality } from './criticality.ts';
import { dataSpectrum, criticalProduct } from './spectrum.ts';
import { subsetOfCriticalPoint } from './subsetOfCriticalPoint.ts';
import { randomData, gaussian } from '../../test/helpers/randomInstance.ts';

const EPS = 2.220446049250313e-16;

function subsets(n: number, maxSize: number): number[][] {
  const out: number[][] = [[]];
  for (let i = 1; i <= n; i++) for (const s of [...out]) if (s.length < maxSize) out.push([...s, i]);
  return out;
}

function product(w: readonly Mat[]): Mat {
  let p = w[0];
  for (let j = 1; j < w.length; j++) p = matmul(zeros(w[j].rows, p.cols), w[j], p);
  return p;
}

const patterns = [[5, 4, 4, 4], [5, 3, 4], [4, 3, 3, 3, 3], [6, 4, 3, 2]];

test('buildCriticalPoint gives zero gradient, the closed-form loss and the product U_SU_SᵀA for every S, with random gauges', () => {
  for (const [k, dims] of patterns.entries()) {
    const dy = dims[dims.length - 1], rMax = Math.min(...dims);
    const rng = new Rng(100 + k);
    const stats = statsFromData(randomData(dims[0], dy, 40, rng));
    const spec = dataSpectrum(stats);
    for (const s of subsets(dy, rMax)) {
      for (const kind of ['strict', 'non-strict'] as const) {
        if (kind === 'non-strict' && (s.length === rMax || dims.length === 3 || s.some((v, i) => v !== i + 1))) continue;
        const cp = buildCriticalPoint(stats, dims, s, { kind, gauge: 'random', rng });
        const c = criticality(cp.weights, stats);
        const label = `dims [${dims}], S = {${s}}, ${kind}`;
        assert.ok(c.relative <= 1e-12, `${label}: relative gradient ${c.relative}`);
        assert.ok(Math.abs(c.loss - cp.loss) <= 1e-10 * cp.loss, `${label}: loss ${c.loss} vs closed form ${cp.loss}`);
        let sum = 0;
        for (const i of s) sum += spec.lambda[i - 1];
        assert.ok(Math.abs(cp.loss - 0.5 * (stats.trYY - sum)) <= 1e-12 * stats.trYY, `${label}: closed form`);
        const want = criticalProduct(spec, s), got = product(cp.weights);
        const big = Math.max(...spec.ols.data.map(Math.abs));
        for (let i = 0; i < want.data.length; i++) assert.ok(Math.abs(got.data[i] - want.data[i]) <= 1e-11 * big, `${label}: P entry ${i}`);
        assert.deepEqual(subsetOfCriticalPoint(cp.weights, stats)?.subset, s, label);
        for (const g of cp.gauges) {
          const sv = singularValues(g);
          assert.ok(sv[0] / sv[sv.length - 1] < 10 * (1 + 1e-12), `${label}: gauge condition ${sv[0] / sv[sv.length - 1]}`);
        }
      }
    }
  }
});

test('buildCriticalPoint presets: strict has middle Z_h with a single 1 (I when square), non-strict zero middle blocks', () => {
  const stats = statsFromData(randomData(5, 4, 30, new Rng(5)));
  const strict = buildCriticalPoint(stats, [5, 4, 4, 3, 4], [1], { kind: 'strict' });
  const flat = buildCriticalPoint(stats, [5, 4, 4, 3, 4], [1], { kind: 'non-strict' });
  // W_2 = blockdiag(1, I_3) (Z_2 square), W_3 = blockdiag(1, E_11) (Z_3 is 2×3), with identity gauges.
  const w2 = strict.weights[1].data, w3 = strict.weights[2].data;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) assert.equal(w2[i * 4 + j], i === j ? 1 : 0);
  assert.deepEqual(Array.from(w3), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(flat.weights[1].data), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(strict.expected, 'strict-saddle');
  assert.equal(flat.expected, 'non-strict-saddle');
});

test('buildCriticalPoint accepts custom Z blocks that give a critical point and rejects those that do not', () => {
  const rng = new Rng(6);
  const stats = statsFromData(randomData(5, 4, 30, rng));
  const dims = [5, 4, 4, 4];
  const z = [zeros(3, 5), gaussian(3, 3, rng), zeros(3, 3)];
  const ok = buildCriticalPoint(stats, dims, [1], { kind: 'custom', z });
  assert.ok(criticality(ok.weights, stats).relative <= 1e-12);
  assert.equal(ok.expected, null);
  const bad = [gaussian(3, 5, rng), gaussian(3, 3, rng), zeros(3, 3)];
  assert.throws(() => buildCriticalPoint(stats, dims, [1], { kind: 'custom', z: bad }),
    (e: unknown) => e instanceof ArgumentError && /do not give a critical point .*Proposition 10/.test(e.message));
  assert.throws(() => buildCriticalPoint(stats, dims, [1], { kind: 'custom', z: [zeros(3, 5), zeros(2, 3), zeros(3, 3)] }), /Z_2 must be 3×3 for \|S\| = 1, got 2×3/);
  assert.throws(() => buildCriticalPoint(stats, dims, [1], { kind: 'custom' }), /needs z with 3 blocks/);
});

test('buildCriticalPoint rejects a bad index set with a message naming the problem', () => {
  const stats = statsFromData(randomData(5, 4, 30, new Rng(7)));
  const cases: [number[], number[], RegExp][] = [
    [[5, 4, 4, 4], [0, 2], /entry 0 is not an index in 1..d_y = 4/],
    [[5, 4, 4, 4], [5], /entry 5 is not an index in 1..d_y = 4/],
    [[5, 4, 4, 4], [1.5], /entry 1.5/],
    [[5, 4, 4, 4], [2, 2], /lists 2 more than once/],
    [[5, 3, 2, 4], [1, 2, 3], /\|S\| = 3 exceeds r_max = 2/],
  ];
  for (const [dims, s, re] of cases) {
    assert.throws(() => buildCriticalPoint(stats, dims, s, { kind: 'strict' }), (e: unknown) => e instanceof ArgumentError && e instanceof RangeError && re.test(e.message), `S = [${s}]`);
  }
  assert.throws(() => buildCriticalPoint(stats, [4, 3, 4], [1], { kind: 'strict' }),
    (e: unknown) => e instanceof ShapeError && e.message === 'the network of widths 4,3,4 starts with 4, but X has 5 features');
  assert.throws(() => buildCriticalPoint(stats, [5, 4], [1], { kind: 'strict' }), /depth N ≥ 2/);
  assert.throws(() => buildCriticalPoint(stats, [5, 4, 4], [1], { kind: 'strict', gauge: 'random' }), /needs an rng/);
});

test('buildCriticalPoint refuses non-strict saddles where Theorem 7 says none exist', () => {
  const stats = statsFromData(randomData(5, 4, 30, new Rng(8)));
  assert.throws(() => buildCriticalPoint(stats, [5, 3, 4], [1], { kind: 'non-strict' }),
    (e: unknown) => e instanceof ArgumentError && /N = 2.*Theorem 7.*2-layer/.test(e.message));
  assert.throws(() => buildCriticalPoint(stats, [5, 4, 4, 4], [2], { kind: 'non-strict' }), /S = \{2\}.*strict saddle/);
  const full = buildCriticalPoint(stats, [5, 3, 4], [1, 2, 3], { kind: 'non-strict' });
  assert.equal(full.expected, 'global-minimum', 'at r = r_max the kind is irrelevant');
  assert.equal(buildCriticalPoint(stats, [5, 3, 4], [1, 2, 4], { kind: 'non-strict' }).expected, 'strict-saddle');
});

test('a built point is critical to about ε whatever the data scale', () => {
  const rng = new Rng(9);
  const data = randomData(5, 4, 30, rng);
  for (const f of [1e-6, 1e6]) {
    const scaled = { x: { ...data.x, data: data.x.data.map((v) => v * f) }, y: data.y };
    const stats = statsFromData(scaled);
    const cp = buildCriticalPoint(stats, [5, 4, 4, 4], [1, 3], { kind: 'strict', gauge: 'random', rng });
    assert.ok(criticality(cp.weights, stats).relative <= 1e3 * EPS, `scale ${f}`);
  }
});

test('subsetOfCriticalPoint returns null for weights that are not critical', () => {
  const rng = new Rng(10);
  const stats = statsFromData(randomData(5, 4, 30, rng));
  const cp = buildCriticalPoint(stats, [5, 4, 4, 4], [2, 4], { kind: 'strict', gauge: 'random', rng });
  const sub = subsetOfCriticalPoint(cp.weights, stats);
  assert.ok(sub !== null && sub.deviation <= 1e-10, `membership ${sub?.membership}`);
  cp.weights[1].data[0] += 1e-3;
  assert.equal(subsetOfCriticalPoint(cp.weights, stats), null);
  assert.ok(subsetOfCriticalPoint(cp.weights, stats, { gradientTol: 1 }) !== null, 'a loose tolerance accepts it');
});
