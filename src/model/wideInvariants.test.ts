import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Mat, zeros, clone } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import { frobenius, symmetricSpectralNorm } from '../linalg/norms.ts';
import {
  invariants, balancedness, invariantDrift, balanceMeasures, createBalanceWorkspace, initialInvariants, isWideLayer,
} from './invariants.ts';

function gaussianNet(dims: readonly number[], rng: Rng, std = 1): Mat[] {
  return dims.slice(1).map((d, j) => { const m = zeros(d, dims[j]); rng.fillNormal(m.data); m.data.forEach((v, i) => { m.data[i] = std * v; }); return m; });
}

/** The dense reference: max_j ‖C_j‖₂ and max_j ‖C_j − C_j(0)‖₂ from the d_j×d_j matrices. */
function denseMeasures(w: readonly Mat[], w0: readonly Mat[]): { balancedness: number; drift: number } {
  const c = invariants(w), c0 = invariants(w0);
  let bal = 0, drift = 0;
  c.forEach((m, j) => {
    bal = Math.max(bal, symmetricSpectralNorm(m));
    const d = zeros(m.rows, m.cols);
    for (let i = 0; i < d.data.length; i++) d.data[i] = m.data[i] - c0[j].data[i];
    drift = Math.max(drift, symmetricSpectralNorm(d));
  });
  return { balancedness: bal, drift };
}

test('wide layers (d_{j−1} + d_{j+1} < d_j) measure balancedness and drift from r×r problems, equal to the dense ones', () => {
  const rng = new Rng(3);
  for (const dims of [[5, 40, 5], [3, 30, 2, 25, 4], [2, 9, 9, 2], [4, 7, 3]]) {
    const w0 = gaussianNet(dims, rng, 0.3);
    const w = w0.map((m) => { const c = clone(m); for (let i = 0; i < c.data.length; i++) c.data[i] += 0.05 * rng.normal(); return c; });
    const c0 = initialInvariants(w0);
    c0.forEach((m, j) => assert.deepEqual([m.rows, m.cols], isWideLayer(dims, j + 1) ? [dims[j + 1], dims[j] + dims[j + 2]] : [dims[j + 1], dims[j + 1]]));
    const ref = denseMeasures(w, w0), scale = Math.max(...w.map((m) => frobenius(m) ** 2));
    const got = balanceMeasures(w, c0, createBalanceWorkspace(dims));
    const tol = 256 * Number.EPSILON * scale;
    assert.ok(Math.abs(got.balancedness - ref.balancedness) <= tol, `bal ${dims}: ${got.balancedness} vs ${ref.balancedness}`);
    assert.ok(Math.abs(got.drift - ref.drift) <= tol, `drift ${dims}: ${got.drift} vs ${ref.drift}`);
    assert.ok(Math.abs(balancedness(w) - ref.balancedness) <= tol);
    // Dense C_j(0) (from invariants) is accepted for a wide layer too.
    assert.ok(Math.abs(invariantDrift(w, invariants(w0)) - ref.drift) <= tol);
    assert.ok(invariantDrift(w0, c0) <= tol);
  }
});

test('a 5-20000-5 network is measured without forming a 20000×20000 matrix', () => {
  const dims = [5, 20000, 5], rng = new Rng(1);
  const w = gaussianNet(dims, rng, 0.01);
  const before = process.memoryUsage().rss;
  const c0 = initialInvariants(w);
  assert.deepEqual([c0[0].rows, c0[0].cols], [20000, 10]);
  const m = balanceMeasures(w, c0, createBalanceWorkspace(dims));
  assert.ok(Number.isFinite(m.balancedness) && m.balancedness > 0);
  assert.ok(m.drift <= 256 * Number.EPSILON * m.balancedness);
  // A dense C_1 would be 3.2 GB; the factors are 1.6 MB each.
  assert.ok(process.memoryUsage().rss - before < 200e6);
});
