import { type Mat, shapeOf } from './mat.ts';

/**
 * X (n×p) with a·X = b for a square nonsingular a (n×n): LU with partial pivoting, P·a = L·U
 * (Golub & Van Loan Alg. 3.4.1; LAPACK dgetrf + dgetrs), then two triangular solves.
 * Throws a RangeError when a pivot is exactly zero (a is singular).
 */
export function solve(a: Mat, b: Mat): Mat {
  const n = a.rows, p = b.cols;
  if (a.cols !== n || b.rows !== n) throw new RangeError(`solve: a ${shapeOf(a)} and b ${shapeOf(b)} do not form a square system`);
  const lu = a.data.slice(), x = b.data.slice();
  for (let k = 0; k < n; k++) {
    let piv = k, big = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) { const t = Math.abs(lu[i * n + k]); if (t > big) { big = t; piv = i; } }
    if (!(big > 0)) throw new RangeError(`solve: matrix is singular (no nonzero pivot in column ${k})`);
    if (piv !== k) {
      // Swapping whole rows of a and b applies P to both at once.
      for (let j = 0; j < n; j++) { const t = lu[k * n + j]; lu[k * n + j] = lu[piv * n + j]; lu[piv * n + j] = t; }
      for (let j = 0; j < p; j++) { const t = x[k * p + j]; x[k * p + j] = x[piv * p + j]; x[piv * p + j] = t; }
    }
    const d = lu[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k] /= d);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j];
      for (let j = 0; j < p; j++) x[i * p + j] -= f * x[k * p + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) { const f = lu[i * n + k]; for (let j = 0; j < p; j++) x[i * p + j] -= f * x[k * p + j]; }
    const d = lu[i * n + i];
    for (let j = 0; j < p; j++) x[i * p + j] /= d;
  }
  return { rows: n, cols: p, data: x };
}
