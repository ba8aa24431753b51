import { getBackend } from './backend.ts';
import type { Mat } from './mat.ts';

function check(fn: string, out: Mat, m: number, n: number, k1: number, k2: number, a: Mat, b: Mat): void {
  if (k1 !== k2 || out.rows !== m || out.cols !== n) {
    throw new RangeError(`${fn}: shapes a ${a.rows}×${a.cols}, b ${b.rows}×${b.cols}, out ${out.rows}×${out.cols} do not match`);
  }
  if (out.data === a.data || out.data === b.data) throw new RangeError(`${fn}: out must not alias a or b`);
}

/** out = a·b  (a: m×k, b: k×n, out: m×n). out must not alias a or b. */
export function matmul(out: Mat, a: Mat, b: Mat): Mat {
  check('matmul', out, a.rows, b.cols, a.cols, b.rows, a, b);
  getBackend().gemm(false, false, a.rows, b.cols, a.cols, 1, a.data, b.data, 0, out.data);
  return out;
}

/** out = aᵀ·b  (a: k×m, b: k×n, out: m×n). out must not alias a or b. */
export function matmulTN(out: Mat, a: Mat, b: Mat): Mat {
  check('matmulTN', out, a.cols, b.cols, a.rows, b.rows, a, b);
  getBackend().gemm(true, false, a.cols, b.cols, a.rows, 1, a.data, b.data, 0, out.data);
  return out;
}

/** out = a·bᵀ  (a: m×k, b: n×k, out: m×n). out must not alias a or b. */
export function matmulNT(out: Mat, a: Mat, b: Mat): Mat {
  check('matmulNT', out, a.rows, b.rows, a.cols, b.cols, a, b);
  getBackend().gemm(false, true, a.rows, b.rows, a.cols, 1, a.data, b.data, 0, out.data);
  return out;
}

/** out = aᵀ·bᵀ  (a: k×m, b: n×k, out: m×n). out must not alias a or b. */
export function matmulTT(out: Mat, a: Mat, b: Mat): Mat {
  check('matmulTT', out, a.cols, b.rows, a.rows, b.cols, a, b);
  getBackend().gemm(true, true, a.cols, b.rows, a.rows, 1, a.data, b.data, 0, out.data);
  return out;
}

/** out = alpha·op(a)·op(b) + beta·out: the general product with accumulation. */
export function gemm(out: Mat, a: Mat, b: Mat, opts: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number } = {}): Mat {
  const tA = opts.transA ?? false, tB = opts.transB ?? false;
  const m = tA ? a.cols : a.rows, k1 = tA ? a.rows : a.cols;
  const k2 = tB ? b.cols : b.rows, n = tB ? b.rows : b.cols;
  check('gemm', out, m, n, k1, k2, a, b);
  getBackend().gemm(tA, tB, m, n, k1, opts.alpha ?? 1, a.data, b.data, opts.beta ?? 0, out.data);
  return out;
}
