import type { Mat } from '../linalg/mat.ts';
import type { Stats } from '../model/stats.ts';
import { assertFitsData } from '../model/network.ts';
import { createGradWorkspace, lossAndGrad } from '../model/lossAndGrad.ts';
import { type BalanceNorm, balancedness } from '../model/invariants.ts';
import { type BoundData, type NormYSource, asBoundData, assertSigmaXXInvertible } from './boundData.ts';
import { deltaSearch } from './deltaSearch.ts';
import { ArgumentError, PremiseError } from '../errors.ts';

/** The constant c_N of Prop. 3.2 in K_δ = M^{2/N} + c_N δ (THEORY §4.2): the theorem's (N+1)², or the conjectured sharp N − 1. */
export type CNChoice = '(N+1)^2' | 'N-1';

/** Options of nrtBound; every field states its default. */
export interface NrtBoundOptions {
  /** c_N in K_δ. Default '(N+1)^2' (Theorem 2.4 as stated, THEORY §4.2). */
  cN?: CNChoice;
  /**
   * δ: 'remark' = M^{2/N}/(N c_N) (Remark 2.5(b), THEORY §4.4, the default); 'optimal' = the δ > bal(W(0))
   * that maximises η_max (deltaSearch); or a given number > 0.
   */
  delta?: 'remark' | 'optimal' | number;
  /** Norm of the invariants in bal(W(0)). Default 'spectral' (NRT Def. 2.3); 'frobenius' is larger, hence conservative. */
  balancednessNorm?: BalanceNorm;
}

/** The constants of Theorem 2.4 for one initialisation (THEORY §4.3, (2.8)–(2.11)). */
export interface NrtBoundResult {
  /** Depth N. */
  N: number;
  /** The numeric value of c_N. */
  cN: number;
  /** bal(W(0)) = max_j ‖C_j(0)‖. */
  balancedness: number;
  /** δ used, and how it was chosen. */
  delta: number;
  deltaChoice: 'remark' | 'optimal' | 'given';
  /** α = bal(W(0))/δ ∈ [0, 1). */
  alpha: number;
  /** M = (√(2L(W(0))) + ‖Y‖)/σ_min(X) (2.11). */
  M: number;
  /** K_δ = M^{2/N} + c_N δ (2.10). */
  K: number;
  /** B_δ = 2eN K^{N−1}‖X‖² + √e N K^{N/2−1}‖XYᵀ‖ (2.9). */
  B: number;
  /** L(W(0)) (with the ½). */
  L0: number;
  /** η_max = 2(1−α)δ/(4L(W(0)) + (1−α)δB_δ), the right-hand side of (2.8). */
  etaMax: number;
  sigmaMinX: number;
  normX: number;
  normXY: number;
  normY: number;
  normYSource: NormYSource;
}

/** Data and initial-loss constants that fix η_max(δ): everything except δ. */
export interface NrtInputs {
  N: number;
  cN: number;
  L0: number;
  M: number;
  normX: number;
  normXY: number;
  balancedness: number;
}

/** c_N as a number for depth N. */
export function cNValue(choice: CNChoice, N: number): number {
  if (choice === '(N+1)^2') return (N + 1) * (N + 1);
  if (choice === 'N-1') return N - 1;
  throw new ArgumentError(`unknown c_N choice ${String(choice)} (use '(N+1)^2' or 'N-1')`);
}

/** M = (√(2L) + ‖Y‖)/σ_min(X), Lemma 3.1 applied to the product (THEORY §4.1, (2.11)). */
export function lemmaM(loss: number, normY: number, sigmaMinX: number): number {
  return (Math.sqrt(2 * loss) + normY) / sigmaMinX;
}

/** K_δ (2.10), B_δ (2.9), α = bal/δ and η_max (2.8) for one δ (THEORY §4.3); η_max ≤ 0 when α ≥ 1. */
export function nrtStepBound(c: NrtInputs, delta: number): { K: number; B: number; alpha: number; etaMax: number } {
  const { N, cN, L0, M, normX, normXY } = c;
  const K = Math.pow(M, 2 / N) + cN * delta;
  const B = 2 * Math.E * N * Math.pow(K, N - 1) * normX * normX + Math.sqrt(Math.E) * N * Math.pow(K, N / 2 - 1) * normXY;
  const alpha = c.balancedness / delta;
  const etaMax = (2 * (1 - alpha) * delta) / (4 * L0 + (1 - alpha) * delta * B);
  return { K, B, alpha, etaMax };
}

/** δ* = M^{2/N}/(N c_N), NRT Remark 2.5(b) (THEORY §4.4); ArgumentError when c_N = 0 (N = 1 with 'N-1'). */
export function remarkDelta(M: number, N: number, cN: number): number {
  if (!(cN > 0)) throw new ArgumentError(`Remark 2.5(b)'s δ = M^{2/N}/(N c_N) needs c_N > 0, got c_N = ${cN} at depth N = ${N}; give δ or use 'optimal'`);
  return Math.pow(M, 2 / N) / (N * cN);
}

/** The inputs of η_max(δ) for an instance: L(W(0)), M, bal(W(0)) and the data norms (THEORY §4.3). */
export function nrtInputs(data: BoundData, weights: readonly Mat[], cN: CNChoice = '(N+1)^2', norm: BalanceNorm = 'spectral'): NrtInputs {
  const { stats } = data;
  const dims = assertFitsData(weights, stats.dx, stats.dy);
  assertSigmaXXInvertible('the step-size bound of Theorem 2.4', data);
  const L0 = lossAndGrad(weights, stats, null, createGradWorkspace(dims));
  if (!Number.isFinite(L0)) throw new ArgumentError(`the loss at the initial weights is not finite (${L0}); start from finite weights of a smaller scale`);
  const N = weights.length;
  return {
    N, cN: cNValue(cN, N), L0, M: lemmaM(L0, data.normY, data.sigmaMinX),
    normX: data.normX, normXY: data.normXY, balancedness: balancedness(weights, norm),
  };
}

/** Throws PremiseError('alpha-below-one') unless α = bal(W(0))/δ < 1. */
export function assertAlphaBelowOne(bal: number, delta: number, what = 'W(0)'): void {
  if (bal / delta < 1) return;
  throw new PremiseError('alpha-below-one',
    `α = bal(${what})/δ = ${bal.toPrecision(6)}/${delta.toPrecision(6)} = ${(bal / delta).toPrecision(6)} is not below 1; ` +
    `Theorem 2.4 needs δ > bal(${what}) (try delta 'optimal' or a larger δ)`);
}

/**
 * The step-size bound of NRT Theorem 2.4 (THEORY §4.3, (2.8)–(2.11), spectral norms, L with the ½)
 * for data (Stats, or a BoundData record for an exact ‖Y‖, see boundData.ts) and initial weights.
 * Throws PremiseError naming the premise: 'sigma-xx-singular', 'delta-positive', 'alpha-below-one'.
 */
export function nrtBound(data: Stats | BoundData, weights: readonly Mat[], options: NrtBoundOptions = {}): NrtBoundResult {
  const bd = asBoundData(data);
  const inputs = nrtInputs(bd, weights, options.cN ?? '(N+1)^2', options.balancednessNorm ?? 'spectral');
  const choice = options.delta ?? 'remark';
  let delta: number, deltaChoice: NrtBoundResult['deltaChoice'];
  if (typeof choice === 'number') {
    if (!(Number.isFinite(choice) && choice > 0)) {
      throw new PremiseError('delta-positive', `δ must be a finite number > 0, got ${choice}; pass --delta optimal, remark or a positive number`);
    }
    delta = choice;
    deltaChoice = 'given';
  } else if (choice === 'remark') {
    delta = remarkDelta(inputs.M, inputs.N, inputs.cN);
    deltaChoice = 'remark';
  } else if (choice === 'optimal') {
    delta = optimalDelta(inputs);
    deltaChoice = 'optimal';
  } else {
    throw new ArgumentError(`δ must be 'remark', 'optimal' or a positive number, got ${String(choice)}`);
  }
  assertAlphaBelowOne(inputs.balancedness, delta);
  const { K, B, alpha, etaMax } = nrtStepBound(inputs, delta);
  return {
    N: inputs.N, cN: inputs.cN, balancedness: inputs.balancedness, delta, deltaChoice, alpha,
    M: inputs.M, K, B, L0: inputs.L0, etaMax,
    sigmaMinX: bd.sigmaMinX, normX: bd.normX, normXY: bd.normXY, normY: bd.normY, normYSource: bd.normYSource,
  };
}

/**
 * The δ > bal(W(0)) maximising η_max(δ) of (2.8) (THEORY §4.4(b)): log grid plus golden section. For N = 1,
 * η_max grows with δ towards 1/(e‖X‖²) and the largest δ of the grid (8 decades above M²/4) is returned.
 */
export function optimalDelta(inputs: NrtInputs): number {
  const typical = Math.pow(inputs.M, 2 / inputs.N) / (inputs.N * Math.max(inputs.cN, 1));
  const scale = Math.max(typical, inputs.balancedness, Number.MIN_VALUE);
  return deltaSearch((d) => nrtStepBound(inputs, d).etaMax, { lower: inputs.balancedness, scale }).delta;
}

/**
 * The closed-form sufficient step of THEORY §4.4(b), with δ* = M^{2/N}/(N(N+1)²) and α = bal(W(0))/δ*:
 * η ≤ 2(1−α)M^{2/N} / (N[4(N+1)²L(W(0)) + (1−α)(2e²M²‖X‖² + eM‖XYᵀ‖)]); never larger than (2.8) at δ*.
 */
export function closedFormEtaMax(c: Omit<NrtInputs, 'cN'>): { etaMax: number; delta: number; alpha: number } {
  const { N, M, L0, normX, normXY } = c;
  const n1 = (N + 1) * (N + 1);
  const delta = Math.pow(M, 2 / N) / (N * n1);
  assertAlphaBelowOne(c.balancedness, delta);
  const alpha = c.balancedness / delta;
  const etaMax = (2 * (1 - alpha) * Math.pow(M, 2 / N))
    / (N * (4 * n1 * L0 + (1 - alpha) * (2 * Math.E * Math.E * M * M * normX * normX + Math.E * M * normXY)));
  return { etaMax, delta, alpha };
}
