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
}

let active: KernelBackend | undefined;

/** The backend in use (the TypeScript reference unless another was selected). */
export function getBackend(): KernelBackend {
  if (active === undefined) throw new Error('getBackend: no kernel backend registered');
  return active;
}

/** Selects the backend used by every kernel from now on; returns the previous one. */
export function setBackend(b: KernelBackend): KernelBackend | undefined {
  const prev = active;
  active = b;
  return prev;
}
