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

/**
 * The dense Hessian ∇²L(W) (p×p, p = Σ_j d_j d_{j−1}) in the ordering θ = [vec_r(W_1); …; vec_r(W_N)]
 * (THEORY §2.3–2.4): H = JᵀJ + K + Kᵀ, with Gauss–Newton blocks (A_jᵀA_i) ⊗ (B_jΣ_XXB_iᵀ) formed from
 * Σ_XX (no samples) and residual blocks H_{(j,a,b),(i,c,d)} = (A_jᵀGB_iᵀ)_{ad}(C_{ij})_{bc} for i < j,
 * A_j = W_{N:j+1}, B_j = W_{j−1:1}, C_{ij} = W_{j−1:i+1}. Only the lower triangle is computed and
 * mirrored, so H is exactly symmetric.
 */
export function hessian(weights: readonly Mat[], stats: Stats): Mat {
  const dims = assertFitsData(weights, stats.dx, stats.dy);
  const n = dims.length - 1;
  const o = parameterOffsets(dims);
  const p = o[n];
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
    // c = C_{ij} = W_{j−1:i+1}, advanced as j grows.
    let c = eye(dims[i]);
    for (let j = i; j <= n; j++) {
      if (j > i + 1) c = matmul(zeros(dims[j - 1], dims[i]), weights[j - 2], c);
      const aa = matmulTN(zeros(dims[j], dims[i]), a[j], a[i]);
      const bb = matmulNT(zeros(dims[j - 1], dims[i - 1]), sb[j], b[i]);
      const mij = j > i ? matmulNT(zeros(dims[j], dims[i - 1]), matmulTN(zeros(dims[j], dims[0]), a[j], g), b[i]) : null;
      const dj1 = dims[j - 1], di1 = dims[i - 1], di = dims[i];
      for (let ra = 0; ra < dims[j]; ra++) {
        for (let rb = 0; rb < dj1; rb++) {
          const row = o[j - 1] + ra * dj1 + rb;
          for (let cc = 0; cc < di; cc++) {
            const gn = aa.data[ra * di + cc];
            for (let cd = 0; cd < di1; cd++) {
              const col = o[i - 1] + cc * di1 + cd;
              if (col > row) break;
              let v = gn * bb.data[rb * di1 + cd];
              if (mij !== null) v += mij.data[ra * di1 + cd] * c.data[rb * di + cc];
              hd[row * p + col] = v;
              hd[col * p + row] = v;
            }
          }
        }
      }
    }
  }
  return h;
}
