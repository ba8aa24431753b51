import { type Mat, shapeOf, zeros } from './mat.ts';
import { eigh } from './eigh.ts';

/**
 * Lower-triangular L with a = L·Lᵀ for a symmetric positive definite n×n matrix, reading only its
 * lower triangle (Cholesky–Banachiewicz, row by row: contiguous dot products of rows of L).
 * Throws a RangeError when a pivot is not positive (a is not positive definite).
 */
export function cholesky(a: Mat): Mat {
  const n = a.rows;
  if (a.cols !== n) throw new RangeError(`cholesky: matrix must be square, got ${shapeOf(a)}`);
  const l = zeros(n, n), x = a.data, y = l.data;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = x[ri + j];
      for (let k = 0; k < j; k++) s -= y[ri + k] * y[rj + k];
      if (j < i) { y[ri + j] = s / y[rj + j]; continue; }
      if (!(s > 0)) throw new RangeError(`cholesky: matrix is not positive definite (pivot ${i} is ${s})`);
      y[ri + i] = Math.sqrt(s);
    }
  }
  return l;
}

/** X (n×p) with a·X = b for symmetric positive definite a (n×n, lower triangle read): L·Lᵀ·X = b by two triangular solves. */
export function solveSPD(a: Mat, b: Mat): Mat {
  if (b.rows !== a.rows) throw new RangeError(`solveSPD: a ${shapeOf(a)} and b ${shapeOf(b)} do not match`);
  const l = cholesky(a).data, n = a.rows, p = b.cols, x = b.data.slice();
  // Forward L·Y = B then backward Lᵀ·X = Y, one row of X at a time (row-major axpys over p columns).
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) { const f = l[i * n + k]; for (let c = 0; c < p; c++) x[i * p + c] -= f * x[k * p + c]; }
    const d = l[i * n + i];
    for (let c = 0; c < p; c++) x[i * p + c] /= d;
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) { const f = l[k * n + i]; for (let c = 0; c < p; c++) x[i * p + c] -= f * x[k * p + c]; }
    const d = l[i * n + i];
    for (let c = 0; c < p; c++) x[i * p + c] /= d;
  }
  return { rows: n, cols: p, data: x };
}

/**
 * a^{−1/2} = V·diag(λ^{−1/2})·Vᵀ (symmetric n×n) for symmetric positive definite a via eigh (lower
 * triangle read). Throws a RangeError unless λ_min > n·ε·λ_max: below that even the sign of λ_min
 * is not determined by a backward-stable eigensolver.
 */
export function invSqrtSPD(a: Mat): Mat {
  const n = a.rows;
  if (a.cols !== n) throw new RangeError(`invSqrtSPD: matrix must be square, got ${shapeOf(a)}`);
  const { values, vectors } = eigh(a), v = vectors.data, out = zeros(n, n);
  if (n === 0) return out;
  const floor = n * Number.EPSILON * Math.max(values[n - 1], 0);
  if (!(values[0] > floor)) {
    throw new RangeError(`invSqrtSPD: matrix is not positive definite (smallest eigenvalue ${values[0]}, largest ${values[n - 1]})`);
  }
  const w = values.map((x) => 1 / Math.sqrt(x));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += v[i * n + k] * w[k] * v[j * n + k];
      out.data[i * n + j] = s;
      out.data[j * n + i] = s;
    }
  }
  return out;
}
