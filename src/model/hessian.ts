import { type Mat, zeros, eye } from '../linalg/mat.ts';
import { matmul, matmulNT, matmulTN } from '../linalg/matmul.ts';
import type { Stats } from './stats.ts';
import { assertFitsData } from './network.ts';

/** Offsets o_j of each layer's block in θ = [vec_r(W_1); …; vec_r(W_N)] (o has N + 1 entries, o[N] = p). */
export function parameterOffsets(dims: readonly number[]): number[] {
  const o = [0];
  for (let j = 1; j < dims.length; j++) o.push(o[j - 1] + dims[j] * dims[j - 1]);
  return o;
}

/** G = ∇ℓ(P) = (P − A)Σ_XX (= PΣ_XX − Σ_YX), computed as the gradient in lossAndGrad.ts is. */
function residualGradient(p: Mat, stats: Stats): Mat {
  const e = zeros(p.rows, p.cols);
  for (let i = 0; i < e.data.length; i++) e.data[i] = p.data[i] - stats.ols.data[i];
  return matmul(zeros(p.rows, p.cols), e, stats.sxx);
}

/** Options of hessian. */
export interface HessianOptions {
  /**
   * Progress: called with (0, p) before the work, then (c, p) each time the columns before c are done.
   * It may throw to abandon the work.
   */
  readonly onProgress?: (columns: number, p: number) => void;
}

/**
 * The dense Hessian ∇²L(W) (p×p, p = Σ_j d_j d_{j−1}) in the ordering θ = [vec_r(W_1); …; vec_r(W_N)]
 * (THEORY §2.3–2.4): H = JᵀJ + K + Kᵀ, with Gauss–Newton blocks (A_jᵀA_i) ⊗ (B_jΣ_XXB_iᵀ) formed from
 * Σ_XX (no samples) and residual blocks H_{(j,a,b),(i,c,d)} = (A_jᵀGB_iᵀ)_{ad}(C_{ij})_{bc} for i < j,
 * A_j = W_{N:j+1}, B_j = W_{j−1:1}, C_{ij} = W_{j−1:i+1}. Only the lower triangle is computed, column
 * by column, and mirrored, so H is exactly symmetric.
 */
export function hessian(weights: readonly Mat[], stats: Stats, options: HessianOptions = {}): Mat {
  const dims = assertFitsData(weights, stats.dx, stats.dy);
  const n = dims.length - 1;
  const o = parameterOffsets(dims);
  const p = o[n];
  options.onProgress?.(0, p);
  // a[j] = A_j, b[j] = B_j, sb[j] = B_jΣ_XX for j = 1..N (index 0 unused).
  const a: Mat[] = new Array(n + 1), b: Mat[] = new Array(n + 1), sb: Mat[] = new Array(n + 1);
  a[n] = eye(dims[n]);
  for (let j = n - 1; j >= 1; j--) a[j] = matmul(zeros(dims[n], dims[j]), a[j + 1], weights[j]);
  b[1] = eye(dims[0]);
  for (let j = 2; j <= n; j++) b[j] = matmul(zeros(dims[j - 1], dims[0]), weights[j - 2], b[j - 1]);
  for (let j = 1; j <= n; j++) sb[j] = matmul(zeros(dims[j - 1], dims[0]), b[j], stats.sxx);
  const g = residualGradient(matmul(zeros(dims[n], dims[0]), a[1], weights[0]), stats);
  const h = zeros(p, p);
  const hd = h.data;
  for (let i = 1; i <= n; i++) {
    // The factors of the blocks (j, i), j ≥ i: C_{ij} = W_{j−1:i+1}, A_jᵀA_i, B_jΣ_XXB_iᵀ and A_jᵀGB_iᵀ (j > i).
    const cs: Mat[] = [], aas: Mat[] = [], bbs: Mat[] = [], ms: (Mat | null)[] = [];
    let c = eye(dims[i]);
    for (let j = i; j <= n; j++) {
      if (j > i + 1) c = matmul(zeros(dims[j - 1], dims[i]), weights[j - 2], c);
      cs.push(c);
      aas.push(matmulTN(zeros(dims[j], dims[i]), a[j], a[i]));
      bbs.push(matmulNT(zeros(dims[j - 1], dims[i - 1]), sb[j], b[i]));
      ms.push(j > i ? matmulNT(zeros(dims[j], dims[i - 1]), matmulTN(zeros(dims[j], dims[0]), a[j], g), b[i]) : null);
    }
    const di1 = dims[i - 1], di = dims[i];
    // Columns o_{i−1} + cc·d_{i−1} + cd of layer i's block, cc = 0..d_i−1.
    for (let cc = 0; cc < di; cc++) {
      for (let j = i; j <= n; j++) {
        const aa = aas[j - i].data, bb = bbs[j - i].data, cij = cs[j - i].data, mij = ms[j - i]?.data ?? null;
        const dj1 = dims[j - 1];
        for (let ra = 0; ra < dims[j]; ra++) {
          const gn = aa[ra * di + cc];
          for (let rb = 0; rb < dj1; rb++) {
            const row = o[j - 1] + ra * dj1 + rb;
            for (let cd = 0; cd < di1; cd++) {
              const col = o[i - 1] + cc * di1 + cd;
              if (col > row) break;
              let v = gn * bb[rb * di1 + cd];
              if (mij !== null) v += mij[ra * di1 + cd] * cij[rb * di + cc];
              hd[row * p + col] = v;
              hd[col * p + row] = v;
            }
          }
        }
      }
      options.onProgress?.(o[i - 1] + (cc + 1) * di1, p);
    }
  }
  return h;
}
