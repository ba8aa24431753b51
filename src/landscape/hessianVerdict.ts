import type { Mat } from '../linalg/mat.ts';
import { eigvalsh } from '../linalg/eigh.ts';
import type { Stats } from '../model/stats.ts';
import { maxRank, parameterCount } from '../model/network.ts';
import { hessian, hessianVectorProduct, createHvpWorkspace } from '../model/hessian.ts';
import { InputError } from '../errors.ts';
import { criticality, dimsForStats, DEFAULT_GRADIENT_TOL } from './criticality.ts';
import { dataSpectrum } from './spectrum.ts';
import { lanczosExtreme, type LanczosOptions } from './lanczos.ts';
import type { Verdict } from './theorem7.ts';

/** Default relative sign threshold: λ_min < −1e-9·max|λ| is a negative eigenvalue (THEORY §7). */
export const DEFAULT_SIGN_TOL = 1e-9;

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
}

export interface HessianVerdictResult {
  readonly verdict: Verdict;
  readonly method: 'dense' | 'lanczos';
  /** Number of parameters (the Hessian is p×p). */
  readonly p: number;
  readonly lambdaMin: number;
  readonly lambdaMax: number;
  /** signTol·max|λ|: the threshold used for the counts and the sign test. */
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
  readonly lanczos: { residualMin: number; residualMax: number; iterations: number; converged: boolean } | null;
  readonly reason: string;
}

/**
 * The second-order verdict from the Hessian spectrum: not critical when ∇L is not ~0; strict saddle
 * when λ_min < −signTol·max|λ|; otherwise PSD, and since a DLN's Hessian always has zero eigenvalues
 * (rescaling symmetries) the loss decides: global minimum iff L is the smallest critical value
 * (closer to it than to the next one), else non-strict saddle (AMG: no other local minima).
 */
export function hessianVerdict(weights: readonly Mat[], stats: Stats, options: HessianVerdictOptions = {}): HessianVerdictResult {
  const dims = dimsForStats(weights, stats), p = parameterCount(dims);
  const denseLimit = options.denseLimit ?? 3000, signTol = options.signTol ?? DEFAULT_SIGN_TOL;
  const all = (options.eigenvalues ?? 'extreme') === 'all';
  if (all && p > denseLimit) throw new InputError(`eigenvalues 'all' needs the dense Hessian, but p = ${p} exceeds denseLimit = ${denseLimit}`);
  const crit = criticality(weights, stats, options.gradientTol ?? DEFAULT_GRADIENT_TOL);
  let lambdaMin: number, lambdaMax: number, values: Float64Array | null = null;
  let lanczos: HessianVerdictResult['lanczos'] = null;
  if (p <= denseLimit) {
    values = eigvalsh(hessian(weights, stats));
    lambdaMin = values[0]; lambdaMax = values[p - 1];
  } else {
    const ws = createHvpWorkspace(dims);
    const res = lanczosExtreme((v, out) => { hessianVectorProduct(weights, stats, v, out, ws); }, p, options.lanczos);
    lambdaMin = res.min; lambdaMax = res.max;
    lanczos = { residualMin: res.residualMin, residualMax: res.residualMax, iterations: res.iterations, converged: res.converged };
  }
  const tolerance = signTol * Math.max(Math.abs(lambdaMin), Math.abs(lambdaMax));
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

/** The smallest critical value (S = {1..r_max}) and the next one: a swap of λ_{r_max} for λ_{r_max+1}, or dropping it. */
function lowestCriticalValues(stats: Stats, rMax: number): { globalMinimum: number; nextValue: number } {
  const spec = dataSpectrum(stats), l = spec.lambda, dy = spec.dy;
  let excess = 0;
  for (let i = dy - 1; i >= rMax; i--) excess += l[i];
  const globalMinimum = spec.lossOLS + 0.5 * excess;
  const gap = rMax < dy ? l[rMax - 1] - l[rMax] : l[rMax - 1];
  return { globalMinimum, nextValue: globalMinimum + 0.5 * gap };
}
