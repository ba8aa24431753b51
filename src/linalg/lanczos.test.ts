import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from './rng.ts';
import { zeros } from './mat.ts';
import { eigvalsh } from './eigh.ts';
import { lanczosExtreme } from './lanczos.ts';
import { runNumpy } from '../../test/helpers/numpy.ts';

const EPS = 2.220446049250313e-16;

test('lanczosExtreme finds the extreme eigenvalues of a diagonal operator with a single negative one', () => {
  const p = 400;
  const d = new Float64Array(p);
  for (let i = 0; i < p; i++) d[i] = 1 + (99 * i) / (p - 1);
  d[137] = -0.5;
  const res = lanczosExtreme((v, out) => { for (let i = 0; i < p; i++) out[i] = d[i] * v[i]; }, p, { maxIter: 200 });
  assert.ok(Math.abs(res.min + 0.5) <= 1e-8 * 100, `min ${res.min}`);
  assert.ok(Math.abs(res.max - 100) <= 1e-8 * 100, `max ${res.max}`);
  assert.ok(Math.abs(Math.abs(res.minVector[137]) - 1) <= 1e-6, `the min Ritz vector is e_137: ${res.minVector[137]}`);
});

test('lanczosExtreme agrees with eigvalsh on a random symmetric matrix and its residuals are true residuals', () => {
  const p = 60, rng = new Rng(4);
  const a = zeros(p, p);
  for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) { const v = rng.normal(); a.data[i * p + j] = v; a.data[j * p + i] = v; }
  const mv = (v: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < p; i++) { let s = 0; for (let j = 0; j < p; j++) s += a.data[i * p + j] * v[j]; out[i] = s; }
  };
  const res = lanczosExtreme(mv, p);
  const ev = eigvalsh(a);
  const scale = Math.max(-ev[0], ev[p - 1]);
  assert.ok(res.converged);
  assert.ok(Math.abs(res.min - ev[0]) <= 1e3 * p * EPS * scale, `min ${res.min} vs ${ev[0]}`);
  assert.ok(Math.abs(res.max - ev[p - 1]) <= 1e3 * p * EPS * scale, `max ${res.max} vs ${ev[p - 1]}`);
  const hy = new Float64Array(p);
  mv(res.minVector, hy);
  let r2 = 0;
  for (let i = 0; i < p; i++) r2 += (hy[i] - res.min * res.minVector[i]) ** 2;
  assert.ok(Math.sqrt(r2) <= res.residualMin + 1e2 * p * EPS * scale, `‖Hy − θy‖ = ${Math.sqrt(r2)}, estimate ${res.residualMin}`);
});

test('lanczosExtreme of the zero operator stops at once with min = max = 0', () => {
  const res = lanczosExtreme((_v, out) => { out.fill(0); }, 50);
  assert.equal(res.min, 0);
  assert.equal(res.max, 0);
  assert.equal(res.iterations, 1);
  assert.ok(res.converged);
});

test('lanczosExtreme gives identical bits for the same seed', () => {
  const p = 30;
  const mv = (v: Float64Array, out: Float64Array): void => { for (let i = 0; i < p; i++) out[i] = (i - 10) * v[i] + (i > 0 ? v[i - 1] : 0) + (i + 1 < p ? v[i + 1] : 0); };
  const a = lanczosExtreme(mv, p, { seed: 7 }), b = lanczosExtreme(mv, p, { seed: 7 });
  assert.equal(a.min, b.min);
  assert.equal(a.max, b.max);
});

test('lanczosExtreme matches numpy.linalg.eigh: extreme eigenvalues and the eigenvector of the smallest, on a graded matrix', (t) => {
  const p = 40, rng = new Rng(11), a = zeros(p, p);
  for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) { const v = rng.normal() * (i === j ? 1 + i : 0.3); a.data[i * p + j] = v; a.data[j * p + i] = v; }
  const ref = runNumpy('w, v = np.linalg.eigh(np.array(data["a"]).reshape(data["p"], data["p"]))\nemit([float(w[0]), float(w[-1]), [float(x) for x in v[:, 0]]])', { a: Array.from(a.data), p }) as [number, number, number[]] | null;
  if (ref === null) { t.skip('python3 with numpy is not available'); return; }
  const mv = (v: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < p; i++) { let s = 0; for (let j = 0; j < p; j++) s += a.data[i * p + j] * v[j]; out[i] = s; }
  };
  const res = lanczosExtreme(mv, p, { tol: 1e-12 });
  const scale = Math.max(Math.abs(ref[0]), Math.abs(ref[1]));
  assert.ok(res.converged);
  assert.ok(Math.abs(res.min - ref[0]) <= 1e2 * p * EPS * scale, `min ${res.min} vs numpy ${ref[0]}`);
  assert.ok(Math.abs(res.max - ref[1]) <= 1e2 * p * EPS * scale, `max ${res.max} vs numpy ${ref[1]}`);
  let dot = 0;
  for (let i = 0; i < p; i++) dot += res.minVector[i] * ref[2][i];
  assert.ok(Math.abs(Math.abs(dot) - 1) <= 1e-9, `|<y_min, v_numpy>| = ${Math.abs(dot)}`);
});

test('lanczosExtreme stops when shouldStop says so, with Ritz values inside [λ_min, λ_max] and stopped set', () => {
  const p = 400, d = new Float64Array(p);
  for (let i = 0; i < p; i++) d[i] = -3 + (103 * i) / (p - 1);
  const hvp = (v: Float64Array, out: Float64Array): void => { for (let i = 0; i < p; i++) out[i] = d[i] * v[i]; };
  const iterations: number[] = [];
  const res = lanczosExtreme(hvp, p, { maxIter: 200, onIteration: (k, max) => { assert.equal(max, 200); iterations.push(k); }, shouldStop: () => iterations.length >= 7 });
  assert.deepEqual(iterations, [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(res.iterations, 7);
  assert.equal(res.stopped, true);
  assert.equal(res.converged, false);
  // Cauchy interlacing: the Ritz values of a Krylov space lie inside the spectrum.
  assert.ok(res.min >= -3 && res.max <= 100 && res.min < res.max, `[${res.min}, ${res.max}]`);
  const whole = lanczosExtreme(hvp, p, { maxIter: 200 });
  assert.equal(whole.stopped, false);
  assert.ok(whole.converged && whole.iterations > 7);
});
