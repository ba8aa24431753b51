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
    // Each c_ij gets its own dot product Σ_p a_ip·b_jp, summed in p order from 0. Four of them run
    // side by side (four independent additions instead of one waiting for the last: several times
    // faster for long k, e.g. Σ_XX = XXᵀ over the samples), each in its own order, so the same bits.
    const sa = transA ? m : 1, sp = transA ? 1 : k;
    for (let i = 0; i < m; i++) {
      const ci = i * n, ai = i * sp;
      let j = 0;
      for (; j + 3 < n; j += 4) {
        const b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let p = 0; p < k; p++) {
          const x = a[ai + p * sa];
          s0 += x * b[b0 + p]; s1 += x * b[b1 + p]; s2 += x * b[b2 + p]; s3 += x * b[b3 + p];
        }
        c[ci + j] += alpha * s0; c[ci + j + 1] += alpha * s1; c[ci + j + 2] += alpha * s2; c[ci + j + 3] += alpha * s3;
      }
      for (; j < n; j++) {
        const bj = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p * sa] * b[bj + p];
        c[ci + j] += alpha * s;
      }
    }
  }
}

/** The reference backend: plain TypeScript, always available (Node and browser). */
export const tsBackend: KernelBackend = { name: 'ts', gemm };
