import { type Mat, zeros, eye } from '../linalg/mat.ts';
import { matmul, matmulNT, matmulTN } from '../linalg/matmul.ts';
import { getBackend } from '../linalg/backend.ts';
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

/** Every buffer one Hessian-vector product needs (forward/backward products and their tangents). */
export interface HvpWorkspace {
  readonly dims: readonly number[];
  readonly offsets: readonly number[];
  /** f[j] = W_{j:1}, df[j] its tangent (d_j × d_0), j = 1..N. */
  readonly f: Mat[];
  readonly df: Mat[];
  /** r[j] = W_{N:j+1}ᵀG, dr[j] its tangent (d_j × d_0), j = 1..N. */
  readonly r: Mat[];
  readonly dr: Mat[];
  /** v[j − 1] = V_j and hv[j − 1] = (Hv)_j as matrices (d_j × d_{j−1}). */
  readonly v: Mat[];
  readonly hv: Mat[];
  readonly e: Mat;
}

/** Allocates the workspace for Hessian-vector products of networks of widths dims. */
export function createHvpWorkspace(dims: readonly number[]): HvpWorkspace {
  const n = dims.length - 1, d0 = dims[0];
  const f: Mat[] = [], df: Mat[] = [], r: Mat[] = [], dr: Mat[] = [], v: Mat[] = [], hv: Mat[] = [];
  for (let j = 0; j <= n; j++) { f.push(zeros(dims[j], d0)); df.push(zeros(dims[j], d0)); r.push(zeros(dims[j], d0)); dr.push(zeros(dims[j], d0)); }
  for (let j = 1; j <= n; j++) { v.push(zeros(dims[j], dims[j - 1])); hv.push(zeros(dims[j], dims[j - 1])); }
  return { dims: [...dims], offsets: parameterOffsets(dims), f, df, r, dr, v, hv, e: zeros(dims[n], d0) };
}

/**
 * out = ∇²L(W)·v, exactly, as the directional derivative of the gradient ∇_jL = R_jF_{j−1}ᵀ
 * (R_j = W_{N:j+1}ᵀG, F_j = W_{j:1}): (Hv)_j = Ṙ_jF_{j−1}ᵀ + R_jḞ_{j−1}ᵀ with Ḟ_j = W_jḞ_{j−1} + V_jF_{j−1},
 * Ṙ_{j−1} = W_jᵀṘ_j + V_jᵀR_j, Ṙ_N = Ḟ_NΣ_XX. Costs a few gradients; allocates nothing when ws is given.
 * v and out have length p in the ordering of hessian(); out may alias v.
 */
export function hessianVectorProduct(weights: readonly Mat[], stats: Stats, v: Float64Array, out: Float64Array, ws?: HvpWorkspace): Float64Array {
  const w = ws ?? createHvpWorkspace(assertFitsData(weights, stats.dx, stats.dy));
  const dims = w.dims, n = dims.length - 1, d0 = dims[0], o = w.offsets;
  if (weights.length !== n || v.length !== o[n] || out.length !== o[n]) {
    throw new RangeError(`hessianVectorProduct: expected ${n} layers and vectors of length ${o[n]}, got ${weights.length} layers, v ${v.length}, out ${out.length}`);
  }
  const gemm = getBackend().gemm;
  for (let j = 1; j <= n; j++) {
    const vj = w.v[j - 1].data, off = o[j - 1];
    for (let i = 0; i < vj.length; i++) vj[i] = v[off + i];
  }
  const { f, df, r, dr } = w;
  f[1].data.set(weights[0].data);
  df[1].data.set(w.v[0].data);
  for (let j = 2; j <= n; j++) {
    const wj = weights[j - 1], vj = w.v[j - 1];
    gemm(false, false, dims[j], d0, dims[j - 1], 1, wj.data, f[j - 1].data, 0, f[j].data);
    gemm(false, false, dims[j], d0, dims[j - 1], 1, wj.data, df[j - 1].data, 0, df[j].data);
    gemm(false, false, dims[j], d0, dims[j - 1], 1, vj.data, f[j - 1].data, 1, df[j].data);
  }
  const e = w.e.data, pd = f[n].data, ad = stats.ols.data;
  for (let i = 0; i < e.length; i++) e[i] = pd[i] - ad[i];
  gemm(false, false, dims[n], d0, d0, 1, e, stats.sxx.data, 0, r[n].data);
  gemm(false, false, dims[n], d0, d0, 1, df[n].data, stats.sxx.data, 0, dr[n].data);
  for (let j = n; j >= 2; j--) {
    const wj = weights[j - 1], vj = w.v[j - 1];
    gemm(true, false, dims[j - 1], d0, dims[j], 1, wj.data, r[j].data, 0, r[j - 1].data);
    gemm(true, false, dims[j - 1], d0, dims[j], 1, wj.data, dr[j].data, 0, dr[j - 1].data);
    gemm(true, false, dims[j - 1], d0, dims[j], 1, vj.data, r[j].data, 1, dr[j - 1].data);
  }
  out.set(dr[1].data, 0);
  for (let j = 2; j <= n; j++) {
    const hj = w.hv[j - 1].data;
    gemm(false, true, dims[j], dims[j - 1], d0, 1, dr[j].data, f[j - 1].data, 0, hj);
    gemm(false, true, dims[j], dims[j - 1], d0, 1, r[j].data, df[j - 1].data, 1, hj);
    out.set(hj, o[j - 1]);
  }
  return out;
}
