import { tsBackend } from './backends/tsBackend.ts';

/**
 * The kernel interface: the few hot routines that a backend (TypeScript reference, WASM SIMD,
 * native BLAS) implements. Everything else in linalg is written on top of these. Matrices are flat
 * row-major Float64Arrays; shapes are passed explicitly and are not checked here (the checked
 * public entry points live in matmul.ts).
 */
export interface KernelBackend {
  readonly name: string;
  /**
   * c = alpha·op(a)·op(b) + beta·c, row-major; op(a) is m×k, op(b) is k×n, c is m×n.
   * transA: a is stored k×m; transB: b is stored n×k. c must not alias a or b.
   */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float64Array, b: Float64Array, beta: number, c: Float64Array): void;
  /**
   * Optional (LAPACK dsyevd): the symmetric eigendecomposition a = V·diag(w)·Vᵀ of the n×n
   * row-major a (its upper triangle is read). a is overwritten by V (eigenvectors as columns,
   * orthonormal), w (n) by the eigenvalues in ascending order; vectors = false (default true)
   * computes w only and leaves a destroyed. Throws when LAPACK fails.
   */
  syevd?(n: number, a: Float64Array, w: Float64Array, vectors?: boolean): void;
  /**
   * Optional (LAPACK dgesdd): the SVD a = U·diag(s)·Vᵀ of the m×n row-major a, which is destroyed.
   * s (r = min(m, n)) is descending; thin (full = false): u is m×r, vt r×n; full: u m×m, vt n×n.
   */
  gesdd?(m: number, n: number, a: Float64Array, s: Float64Array, u: Float64Array, vt: Float64Array,
    full: boolean): void;
  /**
   * Optional: w[i] ← w[i] − eta·g[i] for i < w.length (g at least as long, not aliasing w), with the
   * bits of elementwise.ts's descendLoop: one rounded product and one rounded difference per entry,
   * no fused multiply-add. Used through elementwise.ts's descend.
   */
  descend?(w: Float64Array, g: Float64Array, eta: number): void;
  /** Optional: Σ x_i² with the bits of elementwise.ts's sumSquaresLoop (its eight partial sums, in its order). */
  sumSquares?(x: Float64Array): number;
  /** Optional: the number of threads the backend's kernels run on. */
  threads?(): number;
  /** Optional: sets the number of threads (n ≥ 1) the backend's kernels run on. */
  setThreads?(n: number): void;
}

let active: KernelBackend = tsBackend;

/** The backend in use (the TypeScript reference unless another was selected). */
export function getBackend(): KernelBackend {
  return active;
}

/** Selects the backend used by every kernel from now on; returns the previous one. */
export function setBackend(b: KernelBackend): KernelBackend {
  const prev = active;
  active = b;
  return prev;
}
