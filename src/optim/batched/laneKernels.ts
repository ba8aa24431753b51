/**
 * Lane-batched kernels: B independent small matrices stored with the batch as the innermost axis,
 * entry (i, j) of lane b of an r×c matrix at data[(i·c + j)·B + b]. Each kernel performs, lane by
 * lane, exactly the floating-point operations of the TypeScript gemm (linalg/backends/tsBackend.ts) in the same
 * order, so a lane's result is bit-identical to the single-network computation, while the inner
 * loop runs over contiguous lanes. Lanes [lo, hi) only: disjoint ranges can run on different threads.
 */

/** c = op(a)·op(b) for lanes [lo, hi); shapes as in KernelBackend.gemm with alpha = 1, beta = 0. */
export function laneGemm(transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: Float64Array, b: Float64Array, c: Float64Array, B: number, lo: number, hi: number, acc: Float64Array): void {
  for (let ij = 0; ij < m * n; ij++) { const o = ij * B; for (let l = lo; l < hi; l++) c[o + l] = 0; }
  if (k === 0) return;
  if (!transB) {
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) {
        const ao = (transA ? p * m + i : i * k + p) * B;
        for (let j = 0; j < n; j++) {
          const co = (i * n + j) * B, bo = (p * n + j) * B;
          for (let l = lo; l < hi; l++) c[co + l] += a[ao + l] * b[bo + l];
        }
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        for (let l = lo; l < hi; l++) acc[l] = 0;
        for (let p = 0; p < k; p++) {
          const ao = (transA ? p * m + i : i * k + p) * B, bo = (j * k + p) * B;
          for (let l = lo; l < hi; l++) acc[l] += a[ao + l] * b[bo + l];
        }
        const co = (i * n + j) * B;
        for (let l = lo; l < hi; l++) c[co + l] += acc[l];
      }
    }
  }
}

/** Packs a row-major r×c matrix into lane b of a lane-batched array. */
export function packLane(dst: Float64Array, B: number, b: number, src: Float64Array): void {
  for (let i = 0; i < src.length; i++) dst[i * B + b] = src[i];
}

/** Unpacks lane b of a lane-batched array into a row-major matrix. */
export function unpackLane(dst: Float64Array, src: Float64Array, B: number, b: number): Float64Array {
  for (let i = 0; i < dst.length; i++) dst[i] = src[i * B + b];
  return dst;
}
