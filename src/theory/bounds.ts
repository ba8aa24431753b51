import type { Mat } from '../linalg/mat.ts';
import { eigh, eigvalsh } from '../linalg/eigh.ts';
import { spectralNorm } from '../linalg/norms.ts';
import type { Stats } from '../model/stats.ts';
import { dimsOf } from '../model/network.ts';
import { createGradWorkspace, lossAndGrad } from '../model/lossAndGrad.ts';
import { invariants } from '../model/invariants.ts';
import { type BoundData, asBoundData, assertSigmaXXInvertible } from './boundData.ts';
import { lemmaM } from './nrtBound.ts';
import { PremiseError } from '../errors.ts';

function lossOf(data: BoundData, weights: readonly Mat[]): number {
  return lossAndGrad(weights, data.stats, null, createGradWorkspace(dimsOf(weights)));
}

/** Lemma 3.1 (THEORY §4.1): ‖W‖ ≤ (√(2L¹(W)) + ‖Y‖)/σ_min(X) for a linear map W (d_y×d_x); needs Σ_XX invertible. */
export function lemma31Bound(data: Stats | BoundData, w: Mat): number {
  return productNormBound(data, [w]);
}

/** Lemma 3.1 for the product (THEORY §4.1): ‖W_N⋯W_1‖ ≤ (√(2L(W)) + ‖Y‖)/σ_min(X); needs Σ_XX invertible. */
export function productNormBound(data: Stats | BoundData, weights: readonly Mat[]): number {
  const bd = asBoundData(data);
  assertSigmaXXInvertible('productNormBound', bd);
  return lemmaM(lossOf(bd, weights), bd.normY, bd.sigmaMinX);
}

/** Per-layer gradient bounds (THEORY §4.1): ‖∇_{W_j}L(W)‖ ≤ ‖X‖√(2L(W)) Π_{i≠j}‖W_i‖ (spectral norms); entry j−1 is layer j. */
export function gradientNormBounds(data: Stats | BoundData, weights: readonly Mat[]): number[] {
  const bd = asBoundData(data);
  const factor = bd.normX * Math.sqrt(2 * lossOf(bd, weights));
  const norms = weights.map((w) => spectralNorm(w));
  return norms.map((_, j) => norms.reduce((p, v, i) => (i === j ? p : p * v), factor));
}

/**
 * THEORY §6.2: GD with η ≤ 1/β decreases f by ≥ (η/2)‖∇f‖² per step, so some iterate w_t with
 * t ≤ ⌊2(f(w₀) − f*)/(ηε²)⌋ has ‖∇f(w_t)‖ ≤ ε. Returns that index bound (0 when f(w₀) ≤ f*).
 */
export function stationaritySteps(f0: number, fStar: number, eta: number, epsilon: number): number {
  if (!(eta > 0 && epsilon > 0)) throw new RangeError(`stationaritySteps: need η > 0 and ε > 0, got η = ${eta}, ε = ${epsilon}`);
  return Math.max(0, Math.floor((2 * (f0 - fStar)) / (eta * epsilon * epsilon)));
}

/** The escape bound of THEORY §6.3 and the quantities it is made of. */
export interface EscapeBound {
  /** Steps after which GD on the quadratic model has ε-escaped (f̃ < f(w_s) and ‖∇f̃‖ > ε). */
  steps: number;
  /** α = −λ_1 > 0, the most negative curvature. */
  alpha: number;
  /** β = max_i |λ_i|. */
  beta: number;
  /** |θ_1(0)|, the offset along the eigenspace of λ_1. */
  theta1: number;
  /** Σ_{λ_i>0} λ_i θ_i(0)². */
  positiveEnergy: number;
}

/**
 * THEORY §6.3: with H = UΛUᵀ (λ_1 = −α < 0), θ = Uᵀ(w − w_s) and η ≤ 1/β, GD on the quadratic model has
 * ε-escaped after the smallest integer t > ½·log(max{Σ_{λ_i>0} λ_iθ_i², ε²/α}/(αθ_1²))/log(1 + ηα)
 * (⌈·⌉ of THEORY except when the ratio is an integer). θ_1 is the offset's norm in the eigenspace of λ_1.
 * PremiseError: 'strict-saddle' (λ_1 ≥ 0), 'eta-at-most-inverse-beta', 'offset-along-negative-curvature'.
 */
export function escapeSteps(hessian: Mat, offset: ArrayLike<number>, eta: number, epsilon: number): EscapeBound {
  const n = hessian.rows;
  if (hessian.cols !== n || offset.length !== n) {
    throw new RangeError(`escapeSteps: Hessian ${hessian.rows}×${hessian.cols} and offset of length ${offset.length} do not match`);
  }
  if (!(eta > 0 && epsilon > 0)) throw new RangeError(`escapeSteps: need η > 0 and ε > 0, got η = ${eta}, ε = ${epsilon}`);
  const { values, vectors } = eigh(hessian);
  const beta = Math.max(Math.abs(values[0]), Math.abs(values[n - 1]));
  const alpha = -values[0];
  const tol = 8 * n * Number.EPSILON * beta;
  if (!(alpha > tol)) throw new PremiseError('strict-saddle', `escapeSteps: λ_min(H) = ${values[0]} is not negative; the point is not a strict saddle`);
  if (eta * beta > 1 + 4 * Number.EPSILON) throw new PremiseError('eta-at-most-inverse-beta', `escapeSteps: η = ${eta} exceeds 1/β = ${1 / beta}`);
  let theta1Sq = 0, positiveEnergy = 0, offsetSq = 0;
  for (let i = 0; i < n; i++) offsetSq += offset[i] * offset[i];
  for (let k = 0; k < n; k++) {
    let t = 0;
    for (let i = 0; i < n; i++) t += vectors.data[i * n + k] * offset[i];
    if (values[k] - values[0] <= tol) theta1Sq += t * t;
    else if (values[k] > 0) positiveEnergy += values[k] * t * t;
  }
  // A component at rounding level (≈ nε‖offset‖) of an offset orthogonal to the eigenspace is no component.
  if (!(theta1Sq > (8 * n * Number.EPSILON) ** 2 * offsetSq)) {
    throw new PremiseError('offset-along-negative-curvature', 'escapeSteps: the offset has no component along the eigenvector of λ_min; GD never leaves the saddle');
  }
  const ratio = Math.max(positiveEnergy, (epsilon * epsilon) / alpha) / (alpha * theta1Sq);
  const x = (0.5 * Math.log(ratio)) / Math.log1p(eta * alpha);
  return { steps: Math.max(0, Math.floor(x) + 1), alpha, beta, theta1: Math.sqrt(theta1Sq), positiveEnergy };
}

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
    const scale = sumSq(weights[l - 1]) + sumSq(weights[l - 2]);
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

function sumSq(a: Mat): number {
  let s = 0;
  for (const v of a.data) s += v * v;
  return s;
}
