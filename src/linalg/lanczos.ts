import { steqr } from './steqr.ts';
import { Rng } from './rng.ts';
import { vectorNorm } from './norms.ts';

/** The largest Krylov dimension lanczosExtreme uses unless told otherwise (at most p). */
export const DEFAULT_LANCZOS_MAX_ITER = 200;

/** Options of lanczosExtreme. */
export interface LanczosOptions {
  /** Largest Krylov dimension; default min(p, DEFAULT_LANCZOS_MAX_ITER = 200). */
  readonly maxIter?: number;
  /** Stop when both Ritz residuals are ≤ tol·max(|θ_min|, |θ_max|); default 1e-10. */
  readonly tol?: number;
  /** Seed of the Gaussian start vector; default 1. */
  readonly seed?: number;
  /** Iterations between Ritz checks (an eigen-decomposition of the k×k tridiagonal); default 10. */
  readonly checkEvery?: number;
  /** Called after each iteration k = 1, 2, … with the largest Krylov dimension (for a progress display). */
  readonly onIteration?: (k: number, maxIter: number) => void;
  /** Polled after each iteration: true ends the process there, with the Ritz values reached (stopped). */
  readonly shouldStop?: () => boolean;
}

/** The extreme Ritz values of a symmetric operator after k Lanczos steps, with their residuals. */
export interface LanczosResult {
  /** Smallest and largest Ritz values: estimates of λ_min(H) and λ_max(H). */
  readonly min: number;
  readonly max: number;
  /** ‖H y − θ y‖ of the two Ritz pairs (= β_k·|last component|): bounds the distance to an eigenvalue. */
  readonly residualMin: number;
  readonly residualMax: number;
  /** Unit Ritz vector of min (a direction of most negative curvature at a strict saddle). */
  readonly minVector: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  /** True when shouldStop ended the process before convergence: min and max are then estimates (θ_min ≥ λ_min, θ_max ≤ λ_max). */
  readonly stopped: boolean;
}

/**
 * Extreme eigenvalues of a symmetric operator v ↦ Hv of size p by the Lanczos process with full
 * reorthogonalisation (classical Gram–Schmidt applied twice; Golub & Van Loan §10.1), from a seeded
 * Gaussian start vector. hvp(v, out) must write Hv into out.
 */
export function lanczosExtreme(hvp: (v: Float64Array, out: Float64Array) => void, p: number, options: LanczosOptions = {}): LanczosResult {
  if (!Number.isInteger(p) || p < 1) throw new RangeError(`lanczosExtreme: size must be a positive integer, got ${p}`);
  const maxIter = Math.max(1, Math.min(p, options.maxIter ?? DEFAULT_LANCZOS_MAX_ITER));
  const tol = options.tol ?? 1e-10, checkEvery = Math.max(1, options.checkEvery ?? 10);
  const q = new Float64Array(p * (maxIter + 1));
  const w = new Float64Array(p), coef = new Float64Array(maxIter + 1);
  const alpha: number[] = [], beta: number[] = [];
  const start = new Rng(options.seed ?? 1).fillNormal(new Float64Array(p));
  scaleTo(start, 1 / vectorNorm(start));
  q.set(start, 0);
  let ritz = { min: 0, max: 0, resMin: 0, resMax: 0, yMin: new Float64Array(1), k: 0 };
  let converged = false, stopped = false;
  for (let k = 0; k < maxIter; k++) {
    hvp(q.subarray(k * p, (k + 1) * p), w);
    let a = 0;
    for (let i = 0; i < p; i++) a += q[k * p + i] * w[i];
    alpha.push(a);
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j <= k; j++) { let s = 0; for (let i = 0; i < p; i++) s += q[j * p + i] * w[i]; coef[j] = s; }
      for (let j = 0; j <= k; j++) { const c = coef[j]; for (let i = 0; i < p; i++) w[i] -= c * q[j * p + i]; }
    }
    const b = vectorNorm(w);
    const last = k + 1 === maxIter;
    const size = Math.max(...alpha.map(Math.abs), ...beta, b);
    const breakdown = !(b > 1e-13 * size) || k + 1 === p;
    options.onIteration?.(k + 1, maxIter);
    stopped = !breakdown && !last && options.shouldStop?.() === true;
    if (breakdown || last || stopped || (k + 1) % checkEvery === 0) {
      ritz = ritzExtremes(alpha, beta, breakdown ? 0 : b);
      const scale = Math.max(Math.abs(ritz.min), Math.abs(ritz.max));
      converged = breakdown || (ritz.resMin <= tol * scale && ritz.resMax <= tol * scale);
      if (converged) stopped = false;
      if (converged || last || stopped) break;
    }
    beta.push(b);
    for (let i = 0; i < p; i++) q[(k + 1) * p + i] = w[i] / b;
  }
  const minVector = new Float64Array(p);
  for (let j = 0; j < ritz.k; j++) { const c = ritz.yMin[j]; for (let i = 0; i < p; i++) minVector[i] += c * q[j * p + i]; }
  return { min: ritz.min, max: ritz.max, residualMin: ritz.resMin, residualMax: ritz.resMax, minVector, iterations: ritz.k, converged, stopped };
}

/**
 * Extreme eigenpairs of the k×k tridiagonal T_k = tridiag(β, α, β) by implicit QL/QR (steqr, as
 * LAPACK's dstev: O(k²) per sweep on the tridiagonal itself, where a dense eigh would take O(k³) and,
 * for k ≤ 64, its double-double polish); residuals β_k·|y_k|.
 */
function ritzExtremes(alpha: readonly number[], beta: readonly number[], bk: number) {
  const k = alpha.length;
  const d = Float64Array.from(alpha), e = new Float64Array(k), z = new Float64Array(k * k);
  for (let i = 0; i + 1 < k; i++) e[i] = beta[i];
  for (let i = 0; i < k; i++) z[i * k + i] = 1;
  steqr(d, e, z, k);
  let iMin = 0, iMax = 0;
  for (let i = 1; i < k; i++) { if (d[i] < d[iMin]) iMin = i; if (d[i] > d[iMax]) iMax = i; }
  const yMin = new Float64Array(k);
  for (let i = 0; i < k; i++) yMin[i] = z[i * k + iMin];
  return {
    min: d[iMin], max: d[iMax], k, yMin,
    resMin: bk * Math.abs(z[(k - 1) * k + iMin]),
    resMax: bk * Math.abs(z[(k - 1) * k + iMax]),
  };
}

function scaleTo(x: Float64Array, s: number): void {
  for (let i = 0; i < x.length; i++) x[i] *= s;
}
