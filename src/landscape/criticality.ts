import { type Mat, zeros, eye } from '../linalg/mat.ts';
import { matmul } from '../linalg/matmul.ts';
import { frobenius } from '../linalg/norms.ts';
import type { Stats } from '../model/stats.ts';
import { assertFitsData } from '../model/network.ts';
import { lossAndGrad, createGradWorkspace } from '../model/lossAndGrad.ts';
import { PremiseError } from '../errors.ts';

/** Default tolerance on the relative gradient norm below which W counts as a first-order critical point. */
export const DEFAULT_GRADIENT_TOL = 1e-8;

/** How close W is to a first-order critical point. */
export interface CriticalityResult {
  readonly loss: number;
  /** ‖∇L(W)‖_F over all layers. */
  readonly gradNorm: number;
  /** The size of the terms of ∇L: √(Σ_j ‖W_{N:j+1}‖_F²‖W_{j−1:1}‖_F²) · (‖P‖_F + ‖A‖_F)‖Σ_XX‖_F. */
  readonly scale: number;
  /** gradNorm / scale (0 when the gradient is exactly 0): about ε at an exact critical point. */
  readonly relative: number;
  readonly tolerance: number;
  readonly critical: boolean;
  /** P = W_N⋯W_1. */
  readonly product: Mat;
}


/**
 * Relative gradient norm ‖∇L(W)‖_F / scale, scale being the size of the products that make up ∇L
 * (so that rounding gives ~ε, independent of the data's and the weights' units).
 */
export function criticality(weights: readonly Mat[], stats: Stats, tolerance = DEFAULT_GRADIENT_TOL): CriticalityResult {
  const dims = assertFitsData(weights, stats.dx, stats.dy);
  const n = dims.length - 1;
  const grads = weights.map((w) => zeros(w.rows, w.cols));
  const ws = createGradWorkspace(dims);
  const loss = lossAndGrad(weights, stats, grads, ws);
  let g2 = 0;
  for (const g of grads) for (const v of g.data) g2 += v * v;
  const product: Mat = { rows: dims[n], cols: dims[0], data: ws.fwd[n].data.slice() };
  // ‖W_{N:j+1}‖_F for j = N..1 and ‖W_{j−1:1}‖_F from the forward products.
  const left = new Float64Array(n + 1);
  left[n] = Math.sqrt(dims[n]);
  let a = eye(dims[n]);
  for (let j = n - 1; j >= 1; j--) { a = matmul(zeros(dims[n], dims[j]), a, weights[j]); left[j] = frobenius(a); }
  let s2 = 0;
  for (let j = 1; j <= n; j++) {
    const right = j === 1 ? Math.sqrt(dims[0]) : frobenius(ws.fwd[j - 1]);
    s2 += (left[j] * right) ** 2;
  }
  const scale = Math.sqrt(s2) * (frobenius(product) + frobenius(stats.ols)) * frobenius(stats.sxx);
  const gradNorm = Math.sqrt(g2);
  const relative = gradNorm === 0 ? 0 : scale === 0 ? Infinity : gradNorm / scale;
  return { loss, gradNorm, scale, relative, tolerance, critical: relative <= tolerance, product };
}

/** criticality(), throwing a PremiseError when W is not a first-order critical point. */
export function requireCriticalPoint(fn: string, weights: readonly Mat[], stats: Stats, tolerance = DEFAULT_GRADIENT_TOL): CriticalityResult {
  const c = criticality(weights, stats, tolerance);
  if (!c.critical) {
    throw new PremiseError('first-order critical point',
      `${fn} needs a first-order critical point, but the relative gradient norm is ${c.relative.toExponential(2)} > ${tolerance.toExponential(0)}`);
  }
  return c;
}
