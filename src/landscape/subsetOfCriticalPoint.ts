import { type Mat, zeros } from '../linalg/mat.ts';
import { matmul, matmulNT } from '../linalg/matmul.ts';
import type { Stats } from '../model/stats.ts';
import { criticality, DEFAULT_GRADIENT_TOL } from './criticality.ts';
import { REPEATED_GAP, dataSpectrum } from './spectrum.ts';

/** The index set of a first-order critical point (Proposition 1, THEORY §5.2). */
export interface SubsetResult {
  /** S, 1-based and ascending. */
  readonly subset: number[];
  /** |S| (= rank P at a critical point). */
  readonly rank: number;
  /** t_i = u_iᵀPΣ_XXAᵀu_i / λ_i: 1 for i ∈ S, 0 otherwise (NaN where λ_i ≈ 0). */
  readonly membership: Float64Array;
  /** max_i distance of t_i from {0, 1}: ≈ ε for a clean S, large when Σ has repeated eigenvalues. */
  readonly deviation: number;
  readonly relativeGradient: number;
  readonly loss: number;
}

/** Options of the index-set reader (which eigenvectors of Σ a critical point uses). */
export interface SubsetOptions {
  /** Relative gradient norm (criticality()) above which W is not critical; default DEFAULT_GRADIENT_TOL = 1e-8. */
  readonly gradientTol?: number;
}

/**
 * S of the critical point W, from P = U_SU_SᵀA: t_i = u_iᵀPΣ_XXAᵀu_i/λ_i equals 1 on S and 0 off it
 * (this is u_iᵀPA⁺u_i of THEORY §5.2 in the Σ_XX inner product, with no pseudo-inverse). Returns null
 * when W is not critical (relative gradient norm above options.gradientTol).
 */
export function subsetOfCriticalPoint(weights: readonly Mat[], stats: Stats, options: SubsetOptions = {}): SubsetResult | null {
  const crit = criticality(weights, stats, options.gradientTol ?? DEFAULT_GRADIENT_TOL);
  if (!crit.critical) return null;
  const spec = dataSpectrum(stats);
  const { dx, dy, u, lambda } = spec;
  const m = matmulNT(zeros(dy, dy), matmul(zeros(dy, dx), crit.product, stats.sxx), spec.ols);
  const membership = new Float64Array(dy);
  const subset: number[] = [];
  let deviation = 0;
  for (let i = 0; i < dy; i++) {
    if (!(lambda[i] > REPEATED_GAP * lambda[0])) { membership[i] = Number.NaN; continue; }
    let t = 0;
    for (let a = 0; a < dy; a++) {
      let s = 0;
      for (let b = 0; b < dy; b++) s += m.data[a * dy + b] * u.data[b * dy + i];
      t += u.data[a * dy + i] * s;
    }
    t /= lambda[i];
    membership[i] = t;
    deviation = Math.max(deviation, Math.min(Math.abs(t), Math.abs(1 - t)));
    if (t > 0.5) subset.push(i + 1);
  }
  return { subset, rank: subset.length, membership, deviation, relativeGradient: crit.relative, loss: crit.loss };
}
