import { type Mat, zeros } from '../linalg/mat.ts';
import { matmul } from '../linalg/matmul.ts';
import { eigvalsh } from '../linalg/eigh.ts';
import type { Stats } from '../model/stats.ts';
import { assertFitsData, maxRank, parameterCount } from '../model/network.ts';
import { hessian } from '../model/hessian.ts';
import { hessianVectorProduct, createHvpWorkspace } from '../model/hessianVectorProduct.ts';
import { ArgumentError, StoppedError } from '../errors.ts';
import { criticality, DEFAULT_GRADIENT_TOL } from './criticality.ts';
import { dataSpectrum } from './spectrum.ts';
import { lanczosExtreme, type LanczosOptions } from '../linalg/lanczos.ts';
import type { Verdict } from './theorem7.ts';

/** Default relative sign threshold: λ_min < −1e-9·max|λ| is a negative eigenvalue (THEORY §7). */
export const DEFAULT_SIGN_TOL = 1e-9;

/** Options of hessianVerdict. */
export interface HessianVerdictOptions {
  /** 'all': return every eigenvalue (dense only); 'extreme': λ_min and λ_max. Default 'extreme'. */
  readonly eigenvalues?: 'all' | 'extreme';
  /** Dense Hessian and eigvalsh when p ≤ denseLimit, else Lanczos on exact HVPs; default 3000. */
  readonly denseLimit?: number;
  /** Relative gradient norm above which W is not critical; default 1e-8. */
  readonly gradientTol?: number;
  /** Eigenvalues below −signTol·max|λ| are negative, |λ| ≤ signTol·max|λ| zero; default 1e-9. */
  readonly signTol?: number;
  readonly lanczos?: LanczosOptions;
  /**
   * Progress of the long stages: (stage, 0, total) when a stage begins, then (stage, done, total) as it
   * goes; total = 0 for a stage done in one piece (a LAPACK eigendecomposition).
   */
  readonly onProgress?: (stage: HessianStage, done: number, total: number) => void;
  /**
   * Polled as the work goes. True stops Lanczos with the Ritz values reached (lanczos.stopped: the
   * result's λ_min and λ_max are estimates); the dense path, which has no partial result, throws a
   * StoppedError naming the stage.
   */
  readonly shouldStop?: () => boolean;
}

/** The long stages of hessianVerdict: forming the dense Hessian, its eigenvalues, or Lanczos iterations. */
export type HessianStage = 'dense-hessian' | 'eigenvalues' | 'lanczos';

/** The verdict of the Hessian spectrum of the ½-loss at W (negative eigenvalue: strict saddle; PSD: minimum or non-strict saddle by the loss). */
export interface HessianVerdictResult {
  readonly verdict: Verdict;
  readonly method: 'dense' | 'lanczos';
  /** Number of parameters (the Hessian is p×p). */
  readonly p: number;
  readonly lambdaMin: number;
  readonly lambdaMax: number;
  /** signTol·max|λ| (the rounding level of H when every eigenvalue is below it): the threshold used for the counts and the sign test. */
  readonly tolerance: number;
  /** Eigenvalues below −tolerance and within ±tolerance (dense only; null with Lanczos). */
  readonly negativeCount: number | null;
  readonly zeroCount: number | null;
  /** Every eigenvalue, ascending (eigenvalues: 'all'), else null. */
  readonly eigenvalues: Float64Array | null;
  readonly loss: number;
  /** The global minimum of L, ½(tr Σ_YY − Σ_{i≤r_max}λ_i). */
  readonly globalMinimum: number;
  readonly relativeGradient: number;
  /** Ritz residuals and iterations when method = 'lanczos'. */
  readonly lanczos: { residualMin: number; residualMax: number; iterations: number; converged: boolean; stopped: boolean } | null;
  readonly reason: string;
}

/**
 * The second-order verdict from the Hessian spectrum: not critical when ∇L is not ~0; strict saddle
 * when λ_min < −signTol·max|λ|; otherwise PSD, and since a DLN's Hessian always has zero eigenvalues
 * (rescaling symmetries) the loss decides: global minimum iff L is the smallest critical value
 * (closer to it than to the next one), else non-strict saddle (AMG: no other local minima).
 */
export function hessianVerdict(weights: readonly Mat[], stats: Stats, options: HessianVerdictOptions = {}): HessianVerdictResult {
  const dims = assertFitsData(weights, stats.dx, stats.dy), p = parameterCount(dims);
  const denseLimit = options.denseLimit ?? 3000, signTol = options.signTol ?? DEFAULT_SIGN_TOL;
  const all = (options.eigenvalues ?? 'extreme') === 'all';
  if (all && p > denseLimit) throw new ArgumentError(`eigenvalues 'all' needs the dense Hessian, but p = ${p} exceeds denseLimit = ${denseLimit}`);
  const crit = criticality(weights, stats, options.gradientTol ?? DEFAULT_GRADIENT_TOL);
  let lambdaMin: number, lambdaMax: number, values: Float64Array | null = null;
  let lanczos: HessianVerdictResult['lanczos'] = null;
  const { onProgress, shouldStop } = options;
  const step = (stage: HessianStage) => (done: number, total: number): void => {
    onProgress?.(stage, done, total);
    if (done > 0 && shouldStop?.() === true) throw new StoppedError(stage, done, total);
  };
  if (p <= denseLimit) {
    const h = hessian(weights, stats, { onProgress: step('dense-hessian') });
    values = eigvalsh(h, { onProgress: step('eigenvalues') });
    lambdaMin = values[0]; lambdaMax = values[p - 1];
  } else {
    const ws = createHvpWorkspace(dims);
    const res = lanczosExtreme((v, out) => { hessianVectorProduct(weights, stats, v, out, ws); }, p, {
      ...options.lanczos,
      ...(onProgress !== undefined ? { onIteration: (k: number, total: number) => { onProgress('lanczos', k, total); } } : {}),
      ...(shouldStop !== undefined ? { shouldStop } : {}),
    });
    lambdaMin = res.min; lambdaMax = res.max;
    lanczos = { residualMin: res.residualMin, residualMax: res.residualMax, iterations: res.iterations, converged: res.converged, stopped: res.stopped };
  }
  // Relative to max|λ|, except for a Hessian that vanishes in exact arithmetic but not in floating
  // point (THEORY §9's Σ_XY-blind W_1): a spectrum entirely at the rounding level of the Hessian's
  // terms is zero, not a sign.
  const maxAbs = Math.max(Math.abs(lambdaMin), Math.abs(lambdaMax));
  const floor = maxAbs > 0 ? roundingLevel(weights, stats, crit.product, p) : 0;
  const tolerance = maxAbs <= floor ? floor : signTol * maxAbs;
  let negativeCount: number | null = null, zeroCount: number | null = null;
  if (values !== null) {
    negativeCount = 0; zeroCount = 0;
    for (const v of values) { if (v < -tolerance) negativeCount++; else if (v <= tolerance) zeroCount++; }
  }
  const { globalMinimum, nextValue } = lowestCriticalValues(stats, maxRank(dims));
  const base = {
    method: p <= denseLimit ? 'dense' as const : 'lanczos' as const, p, lambdaMin, lambdaMax, tolerance, negativeCount, zeroCount,
    eigenvalues: all ? values : null, loss: crit.loss, globalMinimum, relativeGradient: crit.relative, lanczos,
  };
  const range = `λ ∈ [${lambdaMin.toExponential(2)}, ${lambdaMax.toExponential(2)}]`;
  if (!crit.critical) return { ...base, verdict: 'not-critical', reason: `relative gradient norm ${crit.relative.toExponential(2)} > ${crit.tolerance}` };
  if (lambdaMin < -tolerance) return { ...base, verdict: 'strict-saddle', reason: `${range}: a negative eigenvalue` };
  const global = crit.loss - globalMinimum <= Math.max(0.5 * (nextValue - globalMinimum), 1e-12 * Math.abs(globalMinimum));
  return global
    ? { ...base, verdict: 'global-minimum', reason: `${range} (PSD) and L = ${crit.loss.toPrecision(6)} is the global minimum` }
    : { ...base, verdict: 'non-strict-saddle', reason: `${range} (PSD) but L = ${crit.loss.toPrecision(6)} > the global minimum ${globalMinimum.toPrecision(6)}` };
}

/**
 * The rounding level of the Hessian's eigenvalues: 8·ε·p times the size of the terms of THEORY §2.3,
 * ‖Σ_XX‖_F·max_j(‖A_j‖_F‖B_j‖_F)² (Gauss–Newton part) + (‖P‖_F + ‖Σ_YXΣ_XX⁻¹‖_F)‖Σ_XX‖_F·
 * max_{i<j} ‖A_j‖_F‖C_ij‖_F‖B_i‖_F (residual part, G = PΣ_XX − Σ_YX), with the partial products
 * A_j = W_{N:j+1}, B_j = W_{j−1:1}, C_ij = W_{j−1:i+1} (identities when empty).
 */
function roundingLevel(weights: readonly Mat[], stats: Stats, product: Mat, p: number): number {
  const fro = (a: Mat): number => { let s = 0; for (const v of a.data) s += v * v; return Math.sqrt(s); };
  const n = weights.length, d0 = weights[0].cols;
  // b[j] = ‖W_{j−1:1}‖_F, a[j] = ‖W_{N:j+1}‖_F (1-based j)
  const a = new Float64Array(n + 1), b = new Float64Array(n + 1);
  let fwd: Mat | null = null;
  for (let j = 1; j <= n; j++) {
    b[j] = fwd === null ? Math.sqrt(d0) : fro(fwd);
    fwd = fwd === null ? weights[0] : matmul(zeros(weights[j - 1].rows, d0), weights[j - 1], fwd);
  }
  let back: Mat | null = null;
  for (let j = n; j >= 1; j--) {
    a[j] = back === null ? Math.sqrt(weights[n - 1].rows) : fro(back);
    back = back === null ? weights[n - 1] : matmul(zeros(back.rows, weights[j - 1].cols), back, weights[j - 1]);
  }
  let gn = 0, pair = 0;
  for (let i = 1; i <= n; i++) {
    gn = Math.max(gn, a[i] * b[i]);
    let run: Mat | null = null;   // W_{j−1:i+1}
    for (let j = i + 1; j <= n; j++) {
      const cij = run === null ? Math.sqrt(weights[i - 1].rows) : fro(run);
      pair = Math.max(pair, a[j] * cij * b[i]);
      run = run === null ? weights[j - 1] : matmul(zeros(weights[j - 1].rows, run.cols), weights[j - 1], run);
    }
  }
  const sxx = fro(stats.sxx);
  return 8 * Number.EPSILON * p * (sxx * gn * gn + (fro(product) + fro(stats.ols)) * sxx * pair);
}

/** The smallest critical value (S = {1..r_max}) and the next one: a swap of λ_{r_max} for λ_{r_max+1}, or dropping it. */
function lowestCriticalValues(stats: Stats, rMax: number): { globalMinimum: number; nextValue: number } {
  const spec = dataSpectrum(stats), l = spec.lambda, dy = spec.dy;
  let excess = 0;
  for (let i = dy - 1; i >= rMax; i--) excess += l[i];
  const globalMinimum = spec.lossOLS + 0.5 * excess;
  const gap = rMax < dy ? l[rMax - 1] - l[rMax] : l[rMax - 1];
  return { globalMinimum, nextValue: globalMinimum + 0.5 * gap };
}
