import type { LossExplanation } from '../landscape/index.ts';

/** A run that ran out of steps with its gradient at rounding level has converged: no step can improve it. */
export function finalStatus(status: string, x: LossExplanation | null): string {
  return status === 'max-steps' && x?.gradientAtRounding === true ? 'converged' : status;
}

/** The explanation as the summary's `criticalValue` field. */
export function explanationJson(x: LossExplanation): { kind: LossExplanation['kind']; nearest: number; subset: number[]; rank: number; gap: number; globalMinimum: number; rMax: number; gradientAtRounding: boolean } {
  return { kind: x.kind, nearest: x.nearest.loss, subset: x.nearest.subset, rank: x.nearest.rank, gap: x.gap, globalMinimum: x.globalMinimum, rMax: x.rMax, gradientAtRounding: x.gradientAtRounding };
}

/** One line for the text summary, e.g. "at the global minimum for these widths (rank 2 = min width), critical value 4.900376e+2". */
export function explanationLine(x: ReturnType<typeof explanationJson>): string {
  const v = x.nearest.toExponential(6), s = `S = {${x.subset.join(',')}}`;
  if (x.kind === 'global-minimum') return `at the global minimum for these widths (rank ${x.rank} ≤ ${x.rMax} = min width): critical value ${v}`;
  if (x.kind === 'plateau') return `on a plateau: the saddle value ${v} (${s}, rank ${x.rank}); the global minimum is ${x.globalMinimum.toExponential(6)}`;
  return `at no critical value (nearest ${v}, ${s}, off by ${x.gap.toExponential(2)}); the global minimum is ${x.globalMinimum.toExponential(6)}`;
}
