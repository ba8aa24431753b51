import type { Mat } from '../linalg/mat.ts';
import { spectralNorm } from '../linalg/norms.ts';
import type { Stats } from '../model/stats.ts';

/**
 * localSmoothness cannot give default constants (the bounds vanish, or the region's K is not a finite
 * number ≥ 0): the caller must give β and ρ itself. reason says why, without the function's name.
 */
export class LocalSmoothnessError extends RangeError {
  readonly reason: string;
  constructor(reason: string) {
    super(`localSmoothness: ${reason}`);
    this.name = 'LocalSmoothnessError';
    this.reason = reason;
  }
}

/** Local smoothness constants of L on the region {‖W_j‖² ≤ K for all j}. */
export interface LocalSmoothness {
  /** The layer bound K of the region. */
  K: number;
  /** β ≥ ‖∇²L‖ on the region (gradient-Lipschitz constant there). */
  beta: number;
  /** ρ ≥ ‖D³L‖ on the region (Hessian-Lipschitz constant there). */
  rho: number;
}

/**
 * Bounds on the second and third derivatives of L (THEORY §6.1 caveat: L is not globally smooth) on
 * the convex region {‖W_j‖² ≤ K}, with λ = ‖Σ_XX‖, μ = ‖Σ_YX‖, ‖G‖ ≤ K^{N/2}λ + μ:
 *   β(K) = NλK^{N−1} + (N−1)K^{N/2−1}(K^{N/2}λ + μ)
 *   ρ(K) = 3(N−1)√N·λK^{N−3/2} + 6·C(N,3)·N^{−3/2}·K^{(N−3)/2}(K^{N/2}λ + μ)
 * (derived from f'' = ‖P₁X‖² + 2⟨P₂, G⟩ and f''' = 6⟨P₂Σ_XX, P₁⟩ + 6⟨P₃, G⟩ along a unit direction, with
 * P_k the degree-k part of the product and Maclaurin's bound on elementary symmetric sums; the residual
 * term is NRT's bound of THEORY §4.3 with N−1 in place of N). By default K = (1 + 1/N)·max(max_j‖W_j‖²,
 * ‖A‖^{2/N}) with A the least-squares map: a region holding the start and the balanced minimisers, with a
 * margin — a heuristic choice of region, not a guarantee that the iterates stay inside it. A depth-1
 * loss is quadratic (ρ = 0); any ρ > 0 is then valid and ρ = β is returned. Throws LocalSmoothnessError
 * when no constants can be given.
 */
export function localSmoothness(stats: Stats, weights: readonly Mat[], K?: number): LocalSmoothness {
  const N = weights.length;
  const lambda = spectralNorm(stats.sxx), mu = spectralNorm(stats.syx);
  if (K === undefined) {
    let layer = 0;
    for (const w of weights) layer = Math.max(layer, Math.pow(spectralNorm(w), 2));
    K = (1 + 1 / N) * Math.max(layer, Math.pow(spectralNorm(stats.ols), 2 / N));
  }
  if (!(Number.isFinite(K) && K >= 0)) throw new LocalSmoothnessError(`K must be a finite number ≥ 0, got ${K}`);
  const g = Math.pow(K, N / 2) * lambda + mu;
  const beta = N * lambda * Math.pow(K, N - 1) + (N > 1 ? (N - 1) * Math.pow(K, N / 2 - 1) * g : 0);
  const binom3 = (N * (N - 1) * (N - 2)) / 6;
  let rho = (N > 1 ? 3 * (N - 1) * Math.sqrt(N) * lambda * Math.pow(K, N - 1.5) : 0)
    + (N > 2 ? 6 * binom3 * Math.pow(N, -1.5) * Math.pow(K, (N - 3) / 2) * g : 0);
  if (N === 1) rho = beta;
  if (!(beta > 0 && rho > 0)) {
    throw new LocalSmoothnessError(`the bounds vanish (β = ${beta}, ρ = ${rho}; K = ${K}); pass β and ρ explicitly`);
  }
  return { K, beta, rho };
}
