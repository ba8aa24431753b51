import { Matrix, QrDecomposition } from 'ml-matrix';
import { type Mat, zeros } from '../../src/linalg/mat.ts';
import type { Rng } from '../../src/linalg/rng.ts';

/** Machine epsilon 2⁻⁵². */
export const EPS = Number.EPSILON;

/** ‖a‖_F by a scaled plain sum (the test's own reference, independent of norms.ts). */
export function frob(a: Mat): number {
  let big = 0, s = 0;
  for (const x of a.data) big = Math.max(big, Math.abs(x));
  if (big === 0 || !Number.isFinite(big)) return big;
  for (const x of a.data) s += (x / big) ** 2;
  return big * Math.sqrt(s);
}

/** Plain triple-loop product a·b (independent of the gemm backend). */
export function mul(a: Mat, b: Mat): Mat {
  const out = zeros(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let p = 0; p < a.cols; p++) s += a.data[i * a.cols + p] * b.data[p * b.cols + j];
      out.data[i * b.cols + j] = s;
    }
  }
  return out;
}

/** ‖QᵀQ − I‖_F: departure of the columns of q from orthonormality. */
export function orthogonalityError(q: Mat): number {
  const { rows, cols } = q;
  let s = 0;
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j < cols; j++) {
      let d = i === j ? -1 : 0;
      for (let p = 0; p < rows; p++) d += q.data[p * cols + i] * q.data[p * cols + j];
      s += d * d;
    }
  }
  return Math.sqrt(s);
}

/** ‖A·V − V·diag(λ)‖_F / ‖A‖_F (0 when A = 0 and the residual vanishes). */
export function eigResidual(a: Mat, values: Float64Array, v: Mat): number {
  const av = mul(a, v);
  for (let i = 0; i < v.rows; i++) for (let k = 0; k < v.cols; k++) av.data[i * v.cols + k] -= v.data[i * v.cols + k] * values[k];
  const r = frob(av), na = frob(a);
  return na === 0 ? r : r / na;
}

/** ‖A − U·diag(s)·Vᵀ‖_F / ‖A‖_F with U m×k, Vᵀ k×n (the leading k columns/rows are used). */
export function svdResidual(a: Mat, u: Mat, s: Float64Array, vt: Mat): number {
  const k = s.length, us = zeros(a.rows, k), vk = zeros(k, a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < k; j++) us.data[i * k + j] = u.data[i * u.cols + j] * s[j];
  vk.data.set(vt.data.subarray(0, k * a.cols));
  const r = mul(us, vk);
  for (let i = 0; i < r.data.length; i++) r.data[i] -= a.data[i];
  const na = frob(a);
  return na === 0 ? frob(r) : frob(r) / na;
}

/** A random orthogonal n×n matrix from ml-matrix's QR of a Gaussian matrix (independent of qr.ts). */
export function randomOrthogonal(n: number, rng: Rng): Mat {
  const g = Matrix.zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g.set(i, j, rng.normal());
  const q = new QrDecomposition(g).orthogonalMatrix;
  return { rows: n, cols: n, data: Float64Array.from(q.to1DArray()) };
}

/** Q·diag(λ)·Qᵀ for a random orthogonal Q: a symmetric matrix with the given spectrum, exactly symmetric. */
export function withSpectrum(values: readonly number[], rng: Rng): Mat {
  const n = values.length, q = randomOrthogonal(n, rng), a = zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q.data[i * n + k] * values[k] * q.data[j * n + k];
      a.data[i * n + j] = s;
      a.data[j * n + i] = s;
    }
  }
  return a;
}

/** U·diag(σ)·Vᵀ (m×n) with random orthogonal U, V: a matrix with the given singular values. */
export function withSingularValues(m: number, n: number, sigma: readonly number[], rng: Rng): Mat {
  const u = randomOrthogonal(m, rng), v = randomOrthogonal(n, rng), a = zeros(m, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < sigma.length; k++) s += u.data[i * m + k] * sigma[k] * v.data[j * n + k];
      a.data[i * n + j] = s;
    }
  }
  return a;
}

/** The n×n Hilbert matrix 1/(i + j + 1) (condition number ~1e10 at n = 8). */
export function hilbert(n: number): Mat {
  const a = zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.data[i * n + j] = 1 / (i + j + 1);
  return a;
}

/** A symmetric Gaussian n×n matrix (GOE up to scale). */
export function randomSymmetric(n: number, rng: Rng): Mat {
  const a = zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) { const x = rng.normal(); a.data[i * n + j] = x; a.data[j * n + i] = x; }
  return a;
}

/**
 * The comparison bound of the Jacobi range: ours ≤ max(reference, 2ε)·(1 + 1e-9). The 2ε floor
 * admits the rounding of an exactly computed measure; the 1e-9 only absorbs ties.
 */
export function noWorseThan(ours: number, reference: number): boolean {
  return ours <= Math.max(reference, 2 * EPS) * (1 + 1e-9);
}
