import { type Mat, zeros } from '../linalg/mat.ts';
import { getBackend } from '../linalg/backend.ts';
import type { Stats, Dataset } from './stats.ts';
import { validateDims } from './network.ts';

/**
 * Every buffer one loss-and-gradient evaluation needs, allocated once per shape.
 * fwd[j] = W_{j:1} (d_j × d_0) for j = 1..N (fwd[N] = P); back[j] = W_{N:j+1}ᵀ G (d_j × d_0) for
 * j = 2..N−1 (back[1] is ∇_{W_1}L, written straight into the gradient; back[0], back[1] and back[N]
 * are empty).
 */
export interface GradWorkspace {
  readonly dims: readonly number[];
  readonly fwd: Mat[];
  readonly back: Mat[];
  /** E = P − A (d_y×d_x). */
  readonly e: Mat;
  /** G = ∇ℓ(P) = EΣ_XX = PΣ_XX − Σ_YX (d_y×d_x). */
  readonly g: Mat;
  /** lossAndGradInto's result L (a returned double would be boxed: one allocation per call). */
  readonly loss: Float64Array;
}

/** Allocates the workspace for networks of widths dims. */
export function createGradWorkspace(dims: readonly number[]): GradWorkspace {
  validateDims(dims);
  const d0 = dims[0], n = dims.length - 1;
  const fwd: Mat[] = [], back: Mat[] = [];
  for (let j = 0; j <= n; j++) { fwd.push(zeros(dims[j], d0)); back.push(zeros(j >= 2 && j < n ? dims[j] : 0, d0)); }
  return { dims: [...dims], fwd, back, e: zeros(dims[n], d0), g: zeros(dims[n], d0), loss: new Float64Array(1) };
}

/** Forward pass: fwd[j] = W_j ⋯ W_1 for j = 1..N (fwd[0] is unused, the identity). */
export function forwardProducts(weights: readonly Mat[], ws: GradWorkspace): Mat {
  const gemm = getBackend().gemm;
  const n = weights.length;
  ws.fwd[1].data.set(weights[0].data);
  for (let j = 2; j <= n; j++) {
    const w = weights[j - 1];
    gemm(false, false, w.rows, ws.dims[0], w.cols, 1, w.data, ws.fwd[j - 1].data, 0, ws.fwd[j].data);
  }
  return ws.fwd[n];
}

/** The end-to-end product P = W_N ⋯ W_1 written into out (d_N × d_0). */
export function product(out: Mat, weights: readonly Mat[], ws: GradWorkspace): Mat {
  out.data.set(forwardProducts(weights, ws).data);
  return out;
}

/**
 * Backward pass from G = ∇ℓ(P) already in ws.g: grads[j−1] = ∇_{W_j}L = W_{N:j+1}ᵀ G W_{j−1:1}ᵀ
 * (THEORY §2.1), using the forward products left in ws by forwardProducts.
 */
export function backwardFromG(weights: readonly Mat[], grads: Mat[], ws: GradWorkspace): void {
  const gemm = getBackend().gemm;
  const n = weights.length, d0 = ws.dims[0];
  let r = ws.g;
  for (let j = n; j >= 1; j--) {
    const gj = grads[j - 1];
    if (j === 1) {
      // W_{N:2}ᵀG is ∇_{W_1}L itself: the last product below wrote it there (a copy only for one layer).
      if (r !== gj) gj.data.set(r.data);
    } else gemm(false, true, ws.dims[j], ws.dims[j - 1], d0, 1, r.data, ws.fwd[j - 1].data, 0, gj.data);
    if (j > 1) {
      const w = weights[j - 1], into = j === 2 ? grads[0] : ws.back[j - 1];
      gemm(true, false, w.cols, d0, w.rows, 1, w.data, r.data, 0, into.data);
      r = into;
    }
  }
}

/**
 * L(W) = ½‖Y − W_N⋯W_1X‖_F² from sufficient statistics; writes ∇_{W_j}L into grads[j−1]
 * (THEORY §1.4, §2.1). Allocates nothing. Pass grads = null to evaluate the loss only.
 */
export function lossAndGrad(weights: readonly Mat[], stats: Stats, grads: Mat[] | null, ws: GradWorkspace): number {
  lossAndGradInto(weights, stats, grads, ws);
  return ws.loss[0];
}

/** lossAndGrad with L written into ws.loss[0] instead of returned: allocates nothing, even where V8 does not inline it. */
export function lossAndGradInto(weights: readonly Mat[], stats: Stats, grads: Mat[] | null, ws: GradWorkspace): void {
  const gemm = getBackend().gemm;
  const p = forwardProducts(weights, ws);
  const e = ws.e.data, a = stats.ols.data, pd = p.data;
  for (let i = 0; i < e.length; i++) e[i] = pd[i] - a[i];
  const dy = ws.e.rows, dx = ws.e.cols;
  gemm(false, false, dy, dx, dx, 1, e, stats.sxx.data, 0, ws.g.data);
  let excess = 0;
  const g = ws.g.data;
  for (let i = 0; i < e.length; i++) excess += e[i] * g[i];
  if (grads !== null) backwardFromG(weights, grads, ws);
  ws.loss[0] = stats.lossOLS + 0.5 * Math.max(excess, 0);
}

/** Workspace for the raw-data path: the residual PX − Y (d_y × m). */
export interface DataWorkspace extends GradWorkspace { readonly residual: Mat }

/** Allocates a raw-data workspace for m samples. */
export function createDataWorkspace(dims: readonly number[], m: number): DataWorkspace {
  return { ...createGradWorkspace(dims), residual: zeros(dims[dims.length - 1], m) };
}

/**
 * L(W) = ½‖PX − Y‖_F² and its gradient from the raw data (minibatches, cross-checks);
 * G = (PX − Y)Xᵀ. Allocates nothing.
 */
export function lossAndGradData(weights: readonly Mat[], data: Dataset, grads: Mat[] | null, ws: DataWorkspace): number {
  const gemm = getBackend().gemm;
  const p = forwardProducts(weights, ws);
  const { x, y } = data;
  const r = ws.residual.data;
  gemm(false, false, p.rows, x.cols, p.cols, 1, p.data, x.data, 0, r);
  let loss = 0;
  for (let i = 0; i < r.length; i++) { const v = r[i] - y.data[i]; r[i] = v; loss += v * v; }
  if (grads !== null) {
    gemm(false, true, p.rows, x.rows, x.cols, 1, r, x.data, 0, ws.g.data);
    backwardFromG(weights, grads, ws);
  }
  return 0.5 * loss;
}
