import type { Mat } from '../../linalg/mat.ts';
import type { Rng } from '../../linalg/rng.ts';
import { reportSec5 } from '../../data/generators.ts';
import { initGaussian } from '../../model/init.ts';
import { type BoundData, boundData } from '../../theory/boundData.ts';
import { type NrtBoundOptions, type NrtBoundResult, nrtBound } from '../../theory/nrtBound.ts';
import { PremiseError } from '../../errors.ts';

/** A random instance of [REP] §5 (THEORY §8.3): report-sec5 data, then Gaussian weights of the given std. */
export interface ReportInstance { data: BoundData; weights: Mat[] }

/** Draws the data (X, then E) and then the weights W_1, …, W_N from rng. */
export function reportInstance(rng: Rng, dims: readonly number[], std: number): ReportInstance {
  const data = boundData(reportSec5(rng));
  return { data, weights: initGaussian(dims, rng, std) };
}

/** nrtBound, or null when its premise α = bal(W(0))/δ < 1 fails for the chosen δ. */
export function boundOrNull(inst: ReportInstance, options: NrtBoundOptions): NrtBoundResult | null {
  try {
    return nrtBound(inst.data, inst.weights, options);
  } catch (e) {
    if (e instanceof PremiseError && e.premise === 'alpha-below-one') return null;
    throw e;
  }
}
