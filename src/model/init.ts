import { type Mat, zeros, transposed } from '../linalg/mat.ts';
import { gemm } from '../linalg/matmul.ts';
import type { Rng } from '../linalg/rng.ts';
import { randomNormal, haarOrthogonal } from '../linalg/random.ts';
import { svd } from '../linalg/svd.ts';
import { type Weights, validateDims, maxRank, zeroWeights, assertWeightsMatch, cloneWeights } from './network.ts';

/** How to initialise a network's weights (the CLI's and playground's `--init`). */
export type InitSpec =
  | { kind: 'gaussian'; std: number }
  | { kind: 'balanced'; scale: number }
  | { kind: 'orthogonal'; scale: number }
  | { kind: 'aligned'; scale: number }
  | { kind: 'zero' }
  | { kind: 'weights'; weights: Mat[] };

function checkFinite(fn: string, name: string, v: number, nonNegative: boolean): void {
  if (!Number.isFinite(v) || (nonNegative && v < 0)) {
    throw new RangeError(`${fn}: ${name} must be a finite${nonNegative ? ' non-negative' : ''} number, got ${v}`);
  }
}

/** W_j with i.i.d. N(0, std²) entries, drawn layer by layer (W_1 first, row-major). */
export function initGaussian(dims: readonly number[], rng: Rng, std: number): Weights {
  validateDims(dims);
  checkFinite('initGaussian', 'std', std, true);
  const w: Weights = [];
  for (let j = 1; j < dims.length; j++) w.push(randomNormal(dims[j], dims[j - 1], rng, std));
  return w;
}

/**
 * The common construction of §3.5: Haar V_j ∈ O(d_j) for j = 0..N (drawn in that order) and
 * W_j = s·V_j[:, :k_j] V_{j−1}[:, :k_j]ᵀ with k_j = ranks[j−1].
 */
function semiOrthogonalChain(dims: readonly number[], rng: Rng, scale: number, ranks: readonly number[]): Weights {
  const v: Mat[] = dims.map((d) => haarOrthogonal(d, rng));
  const w: Weights = [];
  for (let j = 1; j < dims.length; j++) {
    const k = ranks[j - 1], left = leadingColumns(v[j], k), right = leadingColumns(v[j - 1], k);
    const out = zeros(dims[j], dims[j - 1]);
    if (k > 0) gemm(out, left, right, { transB: true, alpha: scale });
    w.push(out);
  }
  return w;
}

/** The first k columns of a (rows×k). */
function leadingColumns(a: Mat, k: number): Mat {
  const out = zeros(a.rows, k);
  for (let i = 0; i < a.rows; i++) out.data.set(a.data.subarray(i * a.cols, i * a.cols + k), i * k);
  return out;
}

/**
 * Always-balanced initialisation for arbitrary widths (THEORY §3.5): W_j = s·V_j^{(k)} V_{j−1}^{(k)ᵀ}
 * with V_j Haar in O(d_j) and V^{(k)} its first k columns, k = rank ?? r_max. Every C_j is 0 up to
 * rounding, every W_j has k singular values equal to |s|, and P = s^N V_N^{(k)} V_0^{(k)ᵀ}.
 */
export function initBalanced(dims: readonly number[], rng: Rng, scale = 1, rank?: number): Weights {
  validateDims(dims);
  checkFinite('initBalanced', 'scale', scale, false);
  const k = rank ?? maxRank(dims);
  if (!Number.isInteger(k) || k < 0 || k > maxRank(dims)) {
    throw new RangeError(`initBalanced: rank must be an integer in [0, ${maxRank(dims)}] for dims [${dims.join(',')}], got ${rank}`);
  }
  return semiOrthogonalChain(dims, rng, scale, dims.slice(1).map(() => k));
}

/**
 * Semi-orthogonal layers W_j = s·V_j I_{d_j,d_{j−1}} V_{j−1}ᵀ with V_j Haar in O(d_j) (THEORY §3.5):
 * every singular value of W_j is |s|. Balanced iff min(d_{j+1}, d_j) = min(d_j, d_{j−1}) for all
 * j = 1..N−1 (see orthogonalInitIsBalanced); otherwise C_j = ±s² times a projector.
 */
export function initOrthogonal(dims: readonly number[], rng: Rng, scale = 1): Weights {
  validateDims(dims);
  checkFinite('initOrthogonal', 'scale', scale, false);
  return semiOrthogonalChain(dims, rng, scale, dims.slice(1).map((d, j) => Math.min(d, dims[j])));
}

/** Whether initOrthogonal(dims) is balanced: min(d_{j+1}, d_j) = min(d_j, d_{j−1}) for j = 1..N−1. */
export function orthogonalInitIsBalanced(dims: readonly number[]): boolean {
  validateDims(dims);
  for (let j = 1; j < dims.length - 1; j++) {
    if (Math.min(dims[j + 1], dims[j]) !== Math.min(dims[j], dims[j - 1])) return false;
  }
  return true;
}

/**
 * Saxe et al.'s aligned initialisation (THEORY §14.2): with Σ_YX = U diag(s) Vᵀ and k = r_max,
 * W_1 = c·R_1V_kᵀ, W_j = c·R_jR_{j−1}ᵀ, W_N = c·U_kR_{N−1}ᵀ (R_j the first k columns of a Haar
 * orthogonal matrix of order d_j, drawn j = 1..N−1): balanced, every layer's k singular values equal
 * c, and P = c^N U_kV_kᵀ shares Σ_YX's singular vectors, so each mode evolves alone when Σ_XX = I.
 */
export function initAligned(dims: readonly number[], syx: Mat, rng: Rng, scale: number): Weights {
  validateDims(dims);
  checkFinite('initAligned', 'scale', scale, false);
  const n = dims.length - 1, dx = dims[0], dy = dims[n];
  if (syx.rows !== dy || syx.cols !== dx) throw new RangeError(`initAligned: Σ_YX is ${syx.rows}×${syx.cols} but the widths need ${dy}×${dx}`);
  const k = maxRank(dims);
  const f = svd(syx);
  const basis: Mat[] = [leadingColumns(transposed(f.vt), k)];
  for (let j = 1; j < n; j++) basis.push(leadingColumns(haarOrthogonal(dims[j], rng), k));
  basis.push(leadingColumns(f.u, k));
  const w: Weights = [];
  for (let j = 1; j <= n; j++) {
    const out = zeros(dims[j], dims[j - 1]);
    if (k > 0) gemm(out, basis[j], basis[j - 1], { transB: true, alpha: scale });
    w.push(out);
  }
  return w;
}

/** All-zero weights (the origin, a critical point of every loss). */
export function initZero(dims: readonly number[]): Weights {
  return zeroWeights(dims);
}

/**
 * Weights of widths dims as spec prescribes; 'weights' checks the shapes against dims and returns a
 * deep copy. rng is used by 'gaussian', 'balanced', 'orthogonal' and 'aligned'; 'aligned' needs the
 * data's Σ_YX (syx).
 */
export function initialize(dims: readonly number[], spec: InitSpec, rng: Rng, syx?: Mat): Weights {
  switch (spec.kind) {
    case 'gaussian': return initGaussian(dims, rng, spec.std);
    case 'balanced': return initBalanced(dims, rng, spec.scale);
    case 'orthogonal': return initOrthogonal(dims, rng, spec.scale);
    case 'aligned':
      if (syx === undefined) throw new RangeError('initialize: --init aligned needs the data (Σ_YX)');
      return initAligned(dims, syx, rng, spec.scale);
    case 'zero': return initZero(dims);
    case 'weights':
      validateDims(dims);
      assertWeightsMatch(spec.weights, dims);
      return cloneWeights(spec.weights);
    default: {
      const never: never = spec;
      throw new RangeError(`initialize: unknown init kind ${(never as { kind: string }).kind}`);
    }
  }
}
