import type { Mat } from '../linalg/mat.ts';
import type { Stats } from '../model/stats.ts';
import type { BalanceNorm } from '../model/invariants.ts';
import { type BoundData, asBoundData } from './boundData.ts';
import { type CNChoice, nrtInputs, nrtStepBound, lemmaM } from './nrtBound.ts';
import { ArgumentError, PremiseError, ShapeError } from '../errors.ts';

/** Options of uniformBound; every optional field states its default. */
export interface UniformBoundOptions {
  /** δ > 0. */
  delta: number;
  /** α ∈ [0, 1) with bal(W) ≤ αδ for every W ∈ Ω. Default: the smallest such α, max_W bal(W)/δ. */
  alpha?: number;
  /** c_N in K_{δ,Ω}. Default '(N+1)^2'. */
  cN?: CNChoice;
  /** Norm of the invariants. Default 'spectral'. */
  balancednessNorm?: BalanceNorm;
}

/** The uniform constants of NRT Theorem 2.6 over a finite set Ω of initialisations (THEORY §4.6). */
export interface UniformBoundResult {
  /** |Ω|. */
  count: number;
  N: number;
  cN: number;
  delta: number;
  alpha: number;
  /** max_{W∈Ω} bal(W) (≤ αδ). */
  maxBalancedness: number;
  /** L_Ω = sup_{W∈Ω} L(W). */
  LOmega: number;
  /** M_Ω = (√(2L_Ω) + ‖Y‖)/σ_min(X). */
  MOmega: number;
  /** K_{δ,Ω} = M_Ω^{2/N} + c_N δ. */
  K: number;
  /** B_{δ,Ω} = (2.9) with K_{δ,Ω}. */
  B: number;
  /** (2.14): η ≤ 2(1−α)δ/(4L_Ω + (1−α)δB_{δ,Ω}). */
  etaMax: number;
}

/**
 * Theorem 2.6's uniform constants L_Ω, M_Ω, K_{δ,Ω}, B_{δ,Ω} and step bound (2.14) for the set Ω given as
 * a list of weight tuples of one shape (THEORY §4.6). Throws PremiseError: 'sigma-xx-singular',
 * 'delta-positive', 'alpha-below-one' (α ∉ [0, 1)) or 'balancedness-within-alpha-delta' (some W has
 * bal(W) > αδ).
 */
export function uniformBound(data: Stats | BoundData, omega: readonly (readonly Mat[])[], options: UniformBoundOptions): UniformBoundResult {
  if (omega.length === 0) throw new ArgumentError('the uniform bound needs at least one initialisation, got none');
  const { delta } = options;
  if (!(Number.isFinite(delta) && delta > 0)) throw new PremiseError('delta-positive', `uniformBound: δ must be a finite number > 0, got ${delta}`);
  const bd = asBoundData(data);
  const cN = options.cN ?? '(N+1)^2', norm = options.balancednessNorm ?? 'spectral';
  const shape = omega[0].map((w) => `${w.rows}×${w.cols}`).join(',');
  let LOmega = -Infinity, maxBal = 0, worst = 0, maxSq = 0;
  let first: ReturnType<typeof nrtInputs> | undefined;
  omega.forEach((weights, i) => {
    if (weights.map((w) => `${w.rows}×${w.cols}`).join(',') !== shape) {
      throw new ShapeError(`uniform bound: initialisation ${i} has layer shapes different from initialisation 0 (${shape})`);
    }
    const inp = nrtInputs(bd, weights, cN, norm);
    first ??= inp;
    LOmega = Math.max(LOmega, inp.L0);
    if (inp.balancedness > maxBal) { maxBal = inp.balancedness; worst = i; }
    for (const w of weights) maxSq = Math.max(maxSq, w.data.reduce((s, v) => s + v * v, 0));
  });
  const base = first!;
  const alpha = options.alpha ?? maxBal / delta;
  if (!(alpha >= 0 && alpha < 1)) {
    throw new PremiseError('alpha-below-one',
      `uniformBound: α must lie in [0, 1), got α = ${alpha.toPrecision(6)} (max bal over Ω = ${maxBal.toPrecision(6)}, δ = ${delta.toPrecision(6)})`);
  }
  // Rounding leaves C_j ≈ ε‖W‖² even for exactly balanced tuples; that much is not a violation.
  if (maxBal > alpha * delta + 16 * Number.EPSILON * maxSq) {
    throw new PremiseError('balancedness-within-alpha-delta',
      `uniformBound: initialisation ${worst} has bal(W) = ${maxBal.toPrecision(6)} > αδ = ${(alpha * delta).toPrecision(6)}`);
  }
  const MOmega = lemmaM(LOmega, bd.normY, bd.sigmaMinX);
  // (2.14) uses the prescribed α, not the one bal/δ of a single tuple: pass balancedness = αδ.
  const step = nrtStepBound({ ...base, L0: LOmega, M: MOmega, balancedness: alpha * delta }, delta);
  return {
    count: omega.length, N: base.N, cN: base.cN, delta, alpha, maxBalancedness: maxBal,
    LOmega, MOmega, K: step.K, B: step.B, etaMax: step.etaMax,
  };
}
