import type { KernelBackend } from '../backend.ts';

/**
 * gemm in plain TypeScript. Loop orders keep the innermost loop on contiguous memory
 * (i-p-j for a·b and aᵀ·b, i-j-p dot products for a·bᵀ), which is what V8 runs fastest.
 * The order of operations is part of the contract: the lane kernels (optim/batched/laneKernels.ts)
 * repeat it lane by lane so that their results are bit-identical to single-network runs.
 */
function gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float64Array, b: Float64Array, beta: number, c: Float64Array): void {
  if (beta === 0) c.fill(0, 0, m * n);
  else if (beta !== 1) for (let i = 0; i < m * n; i++) c[i] *= beta;
  if (alpha === 0 || k === 0) return;
  if (!transB) {
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      for (let p = 0; p < k; p++) {
        const aip = alpha * (transA ? a[p * m + i] : a[i * k + p]);
        const bp = p * n;
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s = 0;
        if (transA) for (let p = 0; p < k; p++) s += a[p * m + i] * b[bj + p];
        else { const ai = i * k; for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p]; }
        c[ci + j] += alpha * s;
      }
    }
  }
}

/** The reference backend: plain TypeScript, always available (Node and browser). */
export const tsBackend: KernelBackend = { name: 'ts', gemm };
