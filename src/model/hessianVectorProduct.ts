import { type Mat, zeros } from '../linalg/mat.ts';
import { getBackend } from '../linalg/backend.ts';
import type { Stats } from './stats.ts';
import { assertFitsData } from './network.ts';
import { parameterOffsets } from './hessian.ts';

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
 * out = ∇²L(W)·v (THEORY §2.6), exactly, as the directional derivative of the gradient ∇_jL = R_jF_{j−1}ᵀ
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
