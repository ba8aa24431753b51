import { type Mat, zeros } from '../linalg/mat.ts';
import { matmul, matmulNT } from '../linalg/matmul.ts';
import { eigh } from '../linalg/eigh.ts';
import { type Stats, requireInvertibleSigmaXX } from '../model/stats.ts';

/** Relative gap λ_i − λ_{i+1} ≤ REPEATED_GAP·λ_1 counts as a repeated eigenvalue of Σ. */
export const REPEATED_GAP = 1e-10;

/** The data spectrum of THEORY §5.1 (independent of the network). */
export interface DataSpectrum {
  readonly dx: number;
  readonly dy: number;
  /** Σ = Σ_YXΣ_XX^{−1}Σ_XY (d_y×d_y), formed as AΣ_XXAᵀ so that it matches the gradient's G = (P − A)Σ_XX. */
  readonly sigma: Mat;
  /** Eigenvalues λ_1 ≥ … ≥ λ_{d_y} of Σ, descending (as in the papers, unlike eigh). */
  readonly lambda: Float64Array;
  /** Orthonormal eigenvectors: column i (u.data[k·d_y + i]) is u_{i+1}. */
  readonly u: Mat;
  /** The ordinary-least-squares map A = Σ_YXΣ_XX^{−1} (d_y×d_x). */
  readonly ols: Mat;
  /** L_OLS = ½‖AX − Y‖_F²; every critical value is L_OLS + ½Σ_{i∉S}λ_i = ½(tr Σ_YY − Σ_{i∈S}λ_i). */
  readonly lossOLS: number;
  /** False when two eigenvalues coincide (relative gap ≤ REPEATED_GAP): S is then ambiguous. */
  readonly distinct: boolean;
  /** Failed parts of Assumption 1 other than Σ_XX invertible, one sentence each. */
  readonly warnings: readonly string[];
}

/**
 * Σ, its eigen-decomposition (λ descending) and the OLS map (THEORY §5.1). Throws a PremiseError when
 * Σ_XX is singular; repeated or zero eigenvalues of Σ are reported in warnings.
 */
export function dataSpectrum(stats: Stats): DataSpectrum {
  const { dx, dy } = stats;
  requireInvertibleSigmaXX(stats, 'the spectrum Σ of the critical values');
  const a = stats.ols;
  const raw = matmulNT(zeros(dy, dy), matmul(zeros(dy, dx), a, stats.sxx), a);
  const sigma = zeros(dy, dy);
  for (let i = 0; i < dy; i++) {
    for (let j = 0; j < dy; j++) sigma.data[i * dy + j] = 0.5 * (raw.data[i * dy + j] + raw.data[j * dy + i]);
  }
  const { values, vectors } = eigh(sigma);
  const lambda = new Float64Array(dy), u = zeros(dy, dy);
  for (let i = 0; i < dy; i++) {
    lambda[i] = Math.max(values[dy - 1 - i], 0);
    for (let k = 0; k < dy; k++) u.data[k * dy + i] = vectors.data[k * dy + dy - 1 - i];
  }
  const warnings: string[] = [];
  const top = lambda[0];
  for (let i = 0; i + 1 < dy; i++) {
    const gap = lambda[i] - lambda[i + 1];
    if (gap <= REPEATED_GAP * top && lambda[i + 1] > REPEATED_GAP * top) {
      warnings.push(`eigenvalues λ_${i + 1} and λ_${i + 2} of Σ are repeated (relative gap ${(top > 0 ? gap / top : 0).toExponential(1)}): the index set S of a critical point is ambiguous`);
    }
  }
  const zero = lambda.filter((l) => !(l > REPEATED_GAP * top)).length;
  if (zero > 0) {
    warnings.push(`Σ_XY has rank ${dy - zero} < d_y = ${dy} (${zero} eigenvalue${zero > 1 ? 's' : ''} of Σ ≈ 0): Assumption 1 fails and S is ambiguous`);
  }
  return { dx, dy, sigma, lambda, u, ols: a, lossOLS: stats.lossOLS, distinct: warnings.length === 0, warnings };
}

/** ½(tr Σ_YY − Σ_{i∈S}λ_i) for a 1-based S, evaluated as L_OLS + ½Σ_{i∉S}λ_i (no cancellation). */
export function criticalValueOf(spec: DataSpectrum, subset: readonly number[]): number {
  const inS = new Set(subset);
  let excess = 0;
  for (let i = spec.dy; i >= 1; i--) if (!inS.has(i)) excess += spec.lambda[i - 1];
  return spec.lossOLS + 0.5 * excess;
}

/** out = U_SU_SᵀA for a 1-based S (the critical product of Proposition 1, THEORY §5.2). */
export function criticalProduct(spec: DataSpectrum, subset: readonly number[]): Mat {
  const { dx, dy, u, ols } = spec;
  const proj = zeros(dy, dy);
  for (const s of subset) {
    for (let i = 0; i < dy; i++) {
      const ui = u.data[i * dy + s - 1];
      for (let j = 0; j < dy; j++) proj.data[i * dy + j] += ui * u.data[j * dy + s - 1];
    }
  }
  return matmul(zeros(dy, dx), proj, ols);
}
