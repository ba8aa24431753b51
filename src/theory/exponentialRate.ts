import type { Mat } from '../linalg/mat.ts';
import { eigvalsh } from '../linalg/eigh.ts';
import { dot } from '../linalg/elementwise.ts';
import type { Stats } from '../model/stats.ts';
import { dimsOf } from '../model/network.ts';
import { invariants } from '../model/invariants.ts';
import { type BoundData, asBoundData } from './boundData.ts';

/** The exponential-rate bound of THEORY §3.6, or why it does not apply. */
export type ExponentialRate =
  | { rate: number; alpha: number; alphas: number[]; lambdaMinXX: number; reason: null }
  | { rate: null; reason: string };

/**
 * THEORY §3.6: along gradient flow L(t) − L_OLS ≤ (L(0) − L_OLS)·exp(−rate·t) with rate = 2αλ_min(Σ_XX),
 * α = Π_{l=2}^{N} α_l and α_l the d_l-th largest eigenvalue of C_{l−1}(W(0)) (alphas[l−2] = α_l). rate is
 * null, with the reason, when some C_{l−1} lacks d_l positive eigenvalues or Σ_XX is singular.
 */
export function exponentialRate(data: Stats | BoundData, weights: readonly Mat[]): ExponentialRate {
  const bd = asBoundData(data);
  const dims = dimsOf(weights);
  if (!(bd.sigmaMinX > 0)) return { rate: null, reason: `Σ_XX is singular (rank ${bd.stats.rankXX} < d_x = ${bd.stats.dx})` };
  const cs = invariants(weights);
  const alphas: number[] = [];
  for (let l = 2; l < dims.length; l++) {
    const dl = dims[l], dPrev = dims[l - 1];
    if (dl > dPrev) return { rate: null, reason: `C_${l - 1} is ${dPrev}×${dPrev} and cannot have d_${l} = ${dl} positive eigenvalues` };
    const ev = eigvalsh(cs[l - 2]);
    // C is computed from ‖W‖²-sized terms: eigenvalues at rounding level are not positive.
    const scale = dot(weights[l - 1], weights[l - 1]) + dot(weights[l - 2], weights[l - 2]);
    const tol = 8 * dPrev * Number.EPSILON * scale;
    const positive = ev.filter((v) => v > tol).length;
    if (positive < dl) {
      return { rate: null, reason: `C_${l - 1}(0) has ${positive} positive eigenvalue(s), fewer than d_${l} = ${dl}` };
    }
    alphas.push(ev[dPrev - dl]);
  }
  const alpha = alphas.reduce((p, v) => p * v, 1);
  const lambdaMinXX = bd.sigmaMinX * bd.sigmaMinX;
  return { rate: 2 * alpha * lambdaMinXX, alpha, alphas, lambdaMinXX, reason: null };
}
