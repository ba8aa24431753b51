import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Mat, fromRows, zeros, toRows } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import {
  invariants, invariantsInto, balancedness, invariantDrift, balanceMeasures, createBalanceWorkspace,
} from './invariants.ts';

const EPS = 2.220446049250313e-16;

function gaussianNet(dims: number[], rng: Rng): Mat[] {
  return dims.slice(1).map((d, j) => { const m = zeros(d, dims[j]); rng.fillNormal(m.data); return m; });
}

test('invariants(W) returns C_j = W_{j+1}ᵀW_{j+1} − W_jW_jᵀ (exact on small integers)', () => {
  const w1 = fromRows([[1, 2, 0], [0, 1, -1]]); // 2×3
  const w2 = fromRows([[2, 1], [1, 0], [0, 3]]); // 3×2
  const w3 = fromRows([[1, 1, 1]]); // 1×3
  const c = invariants([w1, w2, w3]);
  // W2ᵀW2 = [[5,2],[2,10]], W1W1ᵀ = [[5,2],[2,2]]
  assert.deepEqual(toRows(c[0]), [[0, 0], [0, 8]]);
  // W3ᵀW3 = ones(3), W2W2ᵀ = [[5,2,3],[2,1,0],[3,0,9]]
  assert.deepEqual(toRows(c[1]), [[-4, -1, -2], [-1, 0, 1], [-2, 1, -8]]);
});

test('balancedness is the largest spectral norm of the C_j, or the largest Frobenius norm on request', () => {
  // C_1 = diag(9, 0) − diag(1, 4) = diag(8, −4); C_2 = I − diag(9, 0) = diag(−8, 1).
  const w1 = fromRows([[1, 0], [0, 2]]), w2 = fromRows([[3, 0], [0, 0]]), w3 = fromRows([[1, 0], [0, 1]]);
  const c = invariants([w1, w2, w3]);
  assert.deepEqual(toRows(c[0]), [[8, 0], [0, -4]]);
  assert.deepEqual(toRows(c[1]), [[-8, 0], [0, 1]]);
  assert.equal(balancedness([w1, w2]), 8);
  assert.ok(Math.abs(balancedness([w1, w2, w3]) - 8) <= 8 * 4 * EPS);
  assert.ok(Math.abs(balancedness([w1, w2], 'frobenius') - Math.sqrt(80)) <= 4 * EPS * Math.sqrt(80));
  const neg = [fromRows([[0, 0], [0, 3]]), fromRows([[1, 0], [0, 0]])]; // C_1 = diag(1, −9)
  assert.ok(Math.abs(balancedness(neg) - 9) <= 9 * 4 * EPS, 'the norm of a negative eigenvalue counts');
});

test('balancedness of a non-diagonal C_j equals its largest |eigenvalue| (rotation invariance)', () => {
  const rng = new Rng(3);
  const w = gaussianNet([3, 4, 2], rng);
  const c = invariants(w)[0];
  // ‖C‖₂ ≥ |vᵀCv| for unit v, with equality at the top eigenvector: compare with a power iteration on C².
  let v = new Float64Array([1, 0.3, -0.2, 0.5]);
  for (let it = 0; it < 2000; it++) {
    const u = new Float64Array(4);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) u[i] += c.data[i * 4 + j] * v[j];
    const nrm = Math.hypot(...u);
    v = u.map((x) => x / nrm);
  }
  const cv = new Float64Array(4);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) cv[i] += c.data[i * 4 + j] * v[j];
  const lam = Math.hypot(...cv);
  const bal = balancedness(w);
  assert.ok(Math.abs(bal - lam) <= 1e-10 * lam, `balancedness ${bal} vs power iteration ${lam}`);
});

test('balancedness scales as s² when every layer is multiplied by s, and is 0 for depth 1', () => {
  const rng = new Rng(5);
  const w = gaussianNet([3, 5, 2, 4], rng);
  const b = balancedness(w), s = 1.7;
  const ws = w.map((m) => ({ ...m, data: m.data.map((x) => s * x) }));
  assert.ok(Math.abs(balancedness(ws) - s * s * b) <= 1e-13 * s * s * b);
  assert.equal(balancedness(gaussianNet([4, 3], rng)), 0);
  assert.deepEqual(invariants(gaussianNet([4, 3], rng)), []);
});

test('invariantDrift is 0 against the invariants of the same weights and measures ‖C_j − C_j(0)‖₂ otherwise', () => {
  const rng = new Rng(9);
  const w = gaussianNet([2, 3, 3, 2], rng);
  const c0 = invariants(w);
  assert.equal(invariantDrift(w, c0), 0);
  // Scaling W_3 by 2 changes only C_2, by 3·W_3ᵀW_3.
  const w3 = w[2];
  const shifted = [w[0], w[1], { ...w3, data: w3.data.map((x) => 2 * x) }];
  const expected = 3 * balancedness([zeros(3, 3), w3]); // ‖3·W_3ᵀW_3‖₂, with C = W_3ᵀW_3 − 0
  const got = invariantDrift(shifted, c0);
  assert.ok(Math.abs(got - expected) <= 1e-13 * expected, `${got} vs ${expected}`);
});

test('invariantsInto and balanceMeasures reuse their buffers without stale values', () => {
  const rng = new Rng(11);
  const dims = [4, 7, 5, 3, 4, 2]; // no wide layer: the workspace holds every C_j (THEORY §3.7)
  const a = gaussianNet(dims, rng), b = gaussianNet(dims, rng);
  const ws = createBalanceWorkspace(dims);
  invariantsInto(ws.c, a);
  invariantsInto(ws.c, b);
  const fresh = invariants(b);
  for (let j = 0; j < fresh.length; j++) assert.deepEqual(ws.c[j].data, fresh[j].data);
  const m = balanceMeasures(b, invariants(a), ws);
  assert.equal(m.balancedness, balancedness(b));
  assert.equal(m.drift, invariantDrift(b, invariants(a)));
  assert.ok(m.drift > 0);
});

test('invariantsInto names the mismatch when the shapes do not chain', () => {
  const w = [zeros(3, 2), zeros(4, 4)];
  assert.throws(() => invariantsInto([zeros(3, 3)], w), /W2 4×4, W1 3×2/);
  assert.throws(() => invariantsInto([], w), /need 1/);
});
