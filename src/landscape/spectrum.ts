import { type Mat, zeros } from '../linalg/mat.ts';
import { matmul, matmulNT } from '../linalg/matmul.ts';
import { eigh } from '../linalg/eigh.ts';
import type { Stats } from '../model/stats.ts';
import { InputError, PremiseError } from '../errors.ts';
import { criticality, DEFAULT_GRADIENT_TOL } from './criticality.ts';

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
  if (stats.rankXX < dx) {
    throw new PremiseError('Assumption 1: Σ_XX invertible', `Σ_XX is singular (rank ${stats.rankXX} < d_x = ${dx})`);
  }
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

/** The best product of rank ≤ r (THEORY §5.4). */
export interface BestRankResult {
  /** R*_r = U_[r]U_[r]ᵀΣ_YXΣ_XX^{−1} (d_y×d_x). */
  readonly product: Mat;
  /** ½‖R*_rX − Y‖_F² = ½(tr Σ_YY − Σ_{i≤r}λ_i). */
  readonly loss: number;
  /** False when λ_r = λ_{r+1} (relative gap ≤ REPEATED_GAP): the minimiser is then not unique. */
  readonly unique: boolean;
}

/** argmin_{rank R ≤ r} ½‖RX − Y‖_F² (Baldi–Hornik / reduced-rank regression, THEORY §5.4). */
export function bestRankR(stats: Stats, r: number): BestRankResult {
  if (!Number.isInteger(r) || r < 0 || r > stats.dy) {
    throw new InputError(`bestRankR: the rank r must be an integer in 0..d_y = ${stats.dy}, got ${r}`);
  }
  const spec = dataSpectrum(stats);
  const subset = Array.from({ length: r }, (_, i) => i + 1);
  const l = spec.lambda;
  const unique = r === 0 || r === spec.dy || l[r - 1] - l[r] > REPEATED_GAP * l[0];
  return { product: criticalProduct(spec, subset), loss: criticalValueOf(spec, subset), unique };
}

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
