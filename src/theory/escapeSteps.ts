import type { Mat } from '../linalg/mat.ts';
import { eigh } from '../linalg/eigh.ts';
import { PremiseError } from '../errors.ts';

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
