import { type Mat, isFiniteMat, zeros } from '../linalg/mat.ts';
import { createGradWorkspace, product } from '../model/lossAndGrad.ts';
import { frobenius } from '../linalg/norms.ts';
import type { Stats } from '../model/stats.ts';
import { maxRank } from '../model/network.ts';
import { type CriticalValuesResult, criticalValues } from './criticalValues.ts';

/** Where a loss sits among the critical values of its architecture (THEORY §5.3). */
export interface LossExplanation {
  /** The critical value nearest to the loss, with its index set S (1-based) and rank |S|. */
  nearest: { loss: number; subset: number[]; rank: number };
  /** |L − nearest.loss|. */
  gap: number;
  /** 'global-minimum': at the smallest critical value (rank min width); 'plateau': at a saddle's value; 'neither': at no critical value. */
  kind: 'global-minimum' | 'plateau' | 'neither';
  /** The global minimum of L over these widths (rank ≤ r_max = min width). */
  globalMinimum: number;
  /** r_max, the largest rank the product can have. */
  rMax: number;
  /** The relative tolerance used: |L − c| ≤ tol·½tr Σ_YY counts as at c. */
  tolerance: number;
  /** True when ‖∇L‖ is at rounding level (gradientRoundingLevel): the iteration cannot get closer. */
  gradientAtRounding: boolean;
}

/**
 * The size of ∇L that rounding alone produces at weights: the residual PΣ_XX − Σ_YX is formed with
 * an error of about ε(‖P‖‖Σ_XX‖ + ‖Σ_YX‖) per entry and multiplied by the other layers, so
 * 16·ε·√p·(‖P‖_F‖Σ_XX‖_F + ‖Σ_YX‖_F)·max_j Π_{i≠j}‖W_i‖_F (Frobenius norms, p parameters).
 */
export function gradientRoundingLevel(weights: readonly Mat[], product: Mat, stats: Stats): number {
  const norms = weights.map(frobenius);
  let others = 0, p = 0;
  for (let j = 0; j < weights.length; j++) {
    let prod = 1;
    for (let i = 0; i < weights.length; i++) if (i !== j) prod *= norms[i];
    others = Math.max(others, prod);
    p += weights[j].data.length;
  }
  return 16 * Number.EPSILON * Math.sqrt(p) * (frobenius(product) * frobenius(stats.sxx) + frobenius(stats.syx)) * others;
}

/** The critical values a loss is compared with (criticalLadder), computed once per instance and architecture. */
export interface CriticalLadder {
  values: { loss: number; subset: number[]; rank: number }[];
  globalMinimum: number;
  rMax: number;
  /** ½ tr Σ_YY, the scale of the tolerance. */
  halfTrYY: number;
}

/**
 * The critical values of these widths (all of them when there are at most 10⁵ index sets, else the
 * plateau values c_r of best rank-r maps) and the global minimum. cv: criticalValues(stats, dims)
 * when the caller has it already (a sweep's instance does).
 */
export function criticalLadder(stats: Stats, dims: readonly number[], known?: CriticalValuesResult): CriticalLadder {
  const rMax = maxRank(dims);
  let values: { loss: number; subset: number[]; rank: number }[];
  let globalMinimum: number;
  try {
    const cv = known ?? criticalValues(stats, dims);
    values = cv.values; globalMinimum = cv.globalMinimum.loss;
  } catch {
    const cv = criticalValues(stats, [stats.dx, Math.min(rMax, 1), stats.dy], { maxCount: Infinity });
    const lambda = cv.lambda;
    let c = 0.5 * stats.trYY;
    values = [{ loss: c, subset: [], rank: 0 }];
    for (let r = 1; r <= rMax; r++) { c -= 0.5 * lambda[r - 1]; values.push({ loss: c, subset: Array.from({ length: r }, (_, i) => i + 1), rank: r }); }
    globalMinimum = c;
  }
  return { values, globalMinimum, rMax, halfTrYY: 0.5 * stats.trYY };
}

/** Where loss sits on a ladder: the nearest critical value, and whether it is the global minimum, a plateau (a saddle's value) or neither, within tol·½tr Σ_YY. */
export function classifyLoss(ladder: CriticalLadder, loss: number, gradientAtRounding: boolean, tol = 1e-6): LossExplanation {
  const { values, globalMinimum, rMax } = ladder;
  let nearest = values[0];
  for (const v of values) if (Math.abs(v.loss - loss) < Math.abs(nearest.loss - loss)) nearest = v;
  const gap = Math.abs(nearest.loss - loss);
  const at = gap <= tol * ladder.halfTrYY;
  const kind = !at ? 'neither' : nearest.loss === globalMinimum ? 'global-minimum' : 'plateau';
  return { nearest: { loss: nearest.loss, subset: [...nearest.subset], rank: nearest.rank }, gap, kind, globalMinimum, rMax, tolerance: tol, gradientAtRounding };
}

/**
 * Explains a final loss: the nearest critical value (all of them when there are at most 10⁵ index
 * sets, else the plateau values c_r of best rank-r maps), whether it is the global minimum for these
 * widths, a plateau (a saddle's value) or neither, within tol·½tr Σ_YY (default tol 10⁻⁶).
 */
export function explainLoss(stats: Stats, dims: readonly number[], loss: number, gradientAtRounding: boolean, tol = 1e-6): LossExplanation {
  return classifyLoss(criticalLadder(stats, dims), loss, gradientAtRounding, tol);
}

/** Whether ‖∇L‖ = gradNorm at weights is at rounding level (gradientRoundingLevel); false for non-finite weights. */
export function gradientAtRoundingLevel(weights: readonly Mat[], stats: Stats, gradNorm: number): boolean {
  if (!weights.every(isFiniteMat)) return false;
  const dims = [weights[0].cols, ...weights.map((w) => w.rows)];
  const p = product(zeros(dims[dims.length - 1], dims[0]), weights, createGradWorkspace(dims));
  return gradNorm <= gradientRoundingLevel(weights, p, stats);
}

/** explainLoss for a finished run's weights and loss, or null when it cannot be said (non-finite weights, singular Σ_XX). */
export function explainFinal(result: { weights: Mat[]; loss: number; gradNorm: number }, stats: Stats, dims: readonly number[]): LossExplanation | null {
  if (!Number.isFinite(result.loss) || !result.weights.every(isFiniteMat)) return null;
  try {
    return explainLoss(stats, dims, result.loss, gradientAtRoundingLevel(result.weights, stats, result.gradNorm));
  } catch {
    return null;
  }
}

/** ρ_c of THEORY §15.2: a run that used its steps has converged once L − L* ≤ ρ_c·(L(0) − L*). */
export const CONVERGED_REL = 1e-6;

/** The loss test of THEORY §15.2: L − L* ≤ rel·max(L(0) − L*, 0), L* the global minimum for the widths. */
export function lossConverged(loss: number, lossInit: number, lossMin: number, rel = CONVERGED_REL): boolean {
  return loss - lossMin <= rel * Math.max(lossInit - lossMin, 0);
}

/**
 * How a finished run is named (THEORY §15.2), the one rule of `dln train`, `dln sweep` and the
 * playground, for GD, the flow and PGD alike: a run that ran out of steps (max-steps, PGD's
 * max-iterations) has converged when its gradient is at rounding level (no
 * step can improve it) or, given L(0), when its excess loss over the global minimum x.globalMinimum has
 * shrunk below rel·(L(0) − L*) (lossConverged); any other stop stands.
 */
export function finalStatus<S extends string>(
  status: S, x: Pick<LossExplanation, 'gradientAtRounding' | 'globalMinimum'> | null, run?: { lossInit: number; loss: number; rel?: number },
): S | 'converged' {
  if ((status !== 'max-steps' && status !== 'max-iterations') || x === null) return status;
  if (x.gradientAtRounding) return 'converged';
  return run !== undefined && lossConverged(run.loss, run.lossInit, x.globalMinimum, run.rel) ? 'converged' : status;
}

/** A LossExplanation as plain data: the `criticalValue` of dln train's and pgd's summaries, the `critical` of a sweep's cell. */
export interface ExplanationJson {
  kind: LossExplanation['kind'];
  nearest: number;
  subset: number[];
  rank: number;
  gap: number;
  globalMinimum: number;
  rMax: number;
  gradientAtRounding: boolean;
}

/** The explanation as plain data (ExplanationJson). */
export function explanationJson(x: LossExplanation): ExplanationJson {
  return { kind: x.kind, nearest: x.nearest.loss, subset: x.nearest.subset, rank: x.nearest.rank, gap: x.gap, globalMinimum: x.globalMinimum, rMax: x.rMax, gradientAtRounding: x.gradientAtRounding };
}

/** One line for a text summary, e.g. "at the global minimum for these widths (rank 2 ≤ 2 = min width): critical value 4.900376e+2". */
export function explanationLine(x: ExplanationJson): string {
  const v = x.nearest.toExponential(6), s = `S = {${x.subset.join(',')}}`;
  if (x.kind === 'global-minimum') return `at the global minimum for these widths (rank ${x.rank} ≤ ${x.rMax} = min width): critical value ${v}`;
  if (x.kind === 'plateau') return `on a plateau: the saddle value ${v} (${s}, rank ${x.rank}); the global minimum is ${x.globalMinimum.toExponential(6)}`;
  return `at no critical value (nearest ${v}, ${s}, off by ${x.gap.toExponential(2)}); the global minimum is ${x.globalMinimum.toExponential(6)}`;
}
