import type { Mat } from '../../linalg/index.ts';
import {
  type Stats, createGradWorkspace, initialize, lossAndGrad, sharpness, zeroWeights,
} from '../../model/index.ts';
import { boundData, flatSharpnessClosedForm, nrtBound } from '../../theory/index.ts';
import { type CriticalLadder, criticalLadder, criticalValues } from '../../landscape/index.ts';
import { tupleNorm } from '../../optim/index.ts';
import { type CellPlan, cellInit } from './cells.ts';
import { SweepData } from './cellData.ts';

/** What every cell of one instance (data + initial weights) shares. */
export interface Instance {
  stats: Stats;
  weights: Mat[];
  loss0: number;
  grad0: number;
  /** η_max of Theorem 2.4 with the best δ (THEORY §4.4); null when a premise fails. */
  etaMax: number | null;
  etaMaxError?: string;
  /** λ_max(∇²L) at W(0); null when not recorded. */
  sharpness0: number | null;
  /** 2/λ_flat, the largest step at which GD can be linearly stable at some global minimum (closed form, THEORY §13.2); null when not asked for or not defined. */
  etaFlat: number | null;
  /** Every critical value (ascending) with its rank, and the plateau values c_0 > … > c_{r_max}; null when they cannot be listed. */
  critical: { loss: number; rank: number; subset: number[] }[] | null;
  plateaus: number[];
  lossMin: number;
  /** The critical values a final loss is explained by (classifyLoss); null when Σ_XX is singular. */
  table: CriticalLadder | null;
}

/** λ_max(∇²L(W)) by dln's sharpness measurement (THEORY §12.1, §15.4); null for non-finite weights. */
export function cellSharpness(weights: readonly Mat[], stats: Stats): number | null {
  if (!weights.every((w) => w.data.every(Number.isFinite))) return null;
  const r = sharpness(weights, stats, { tol: 1e-9 }).lambdaMax;
  return Number.isFinite(r) ? r : null;
}

/** 2/λ_flat by the closed form of THEORY §13.2 (about 1 ms: asked for only where a figure can draw it); null where it is not a positive finite step. */
function flatStep(stats: Stats, dims: readonly number[]): number | null {
  try {
    const eta = flatSharpnessClosedForm(stats, dims).eta;
    return Number.isFinite(eta) && eta > 0 ? eta : null;
  } catch {
    return null;
  }
}

/**
 * The data and initial weights of a cell exactly as `dln train --data NAME --seed S` draws them (one
 * generator: the data, then the weights), with the quantities every cell of the instance needs.
 * data: where the data sets come from (real data need one given a source; the default draws generators only).
 */
export function prepareInstance(cell: CellPlan, withSharpness: boolean, data: SweepData = new SweepData(), withFlat = false): Instance {
  const s = cell.settings, dims = cell.dims;
  // The statistics come with the data (computed once per data set); ‖Y‖ of the bound from Σ_YY = YYᵀ
  // (exact, THEORY §4.3; cheaper than an SVD of the d_y×m matrix Y).
  const { stats, syy, rng } = data.load(s);
  const weights = initialize(dims, cellInit(s), rng);
  const bd = boundData(stats, syy);
  const grads = zeroWeights(dims);
  const loss0 = lossAndGrad(weights, stats, grads, createGradWorkspace(dims));
  let etaMax: number | null = null, etaMaxError: string | undefined;
  try {
    etaMax = nrtBound(bd, weights, { delta: 'optimal' }).etaMax;
  } catch (e) {
    etaMaxError = (e as Error).message;
  }
  let critical: Instance['critical'] = null, plateaus: number[] = [], lossMin = stats.lossOLS, table: CriticalLadder | null = null;
  try {
    const cv = criticalValues(stats, dims);
    critical = cv.values.map((v) => ({ loss: v.loss, rank: v.rank, subset: v.subset }));
    plateaus = cv.plateaus;
    lossMin = cv.globalMinimum.loss;
    table = criticalLadder(stats, dims, cv);
  } catch {
    critical = null;
    try { table = criticalLadder(stats, dims); } catch { table = null; }
  }
  return {
    stats, weights, loss0, grad0: tupleNorm(grads), etaMax, ...(etaMaxError !== undefined ? { etaMaxError } : {}),
    sharpness0: withSharpness ? cellSharpness(weights, stats) : null, etaFlat: withFlat ? flatStep(stats, dims) : null, critical, plateaus, lossMin, table,
  };
}
