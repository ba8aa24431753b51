import type { Mat } from '../linalg/mat.ts';
import type { Stats } from '../model/stats.ts';
import { theorem7, type Theorem7Options, type Theorem7Result } from './theorem7.ts';
import { hessianVerdict, type HessianVerdictOptions, type HessianVerdictResult } from './hessianVerdict.ts';

/** Both verdicts on a point W and whether they agree. */
export interface ClassifyResult {
  /** The verdict of Theorem 7 (index set S, r = r_max, tightening). */
  readonly theorem7: Theorem7Result;
  /** The verdict of the Hessian spectrum (and the loss, to separate minima from non-strict saddles). */
  readonly hessian: HessianVerdictResult;
  /** Both verdicts are the same. */
  readonly agree: boolean;
}

/** Options of classify: those of theorem7 and of hessianVerdict. */
export type ClassifyOptions = Theorem7Options & HessianVerdictOptions;

/** Classifies W twice, by Theorem 7 and by its Hessian spectrum, and says whether they agree. */
export function classify(weights: readonly Mat[], stats: Stats, options: ClassifyOptions = {}): ClassifyResult {
  const t = theorem7(weights, stats, options);
  const h = hessianVerdict(weights, stats, options);
  return { theorem7: t, hessian: h, agree: t.type === h.verdict };
}
