import { StoppedError } from '../errors.ts';
import type { Mat } from '../linalg/index.ts';
import type { Stats } from '../model/index.ts';
import { type ClassifyOptions, type ClassifyResult, type HessianStage, classify } from '../landscape/index.ts';
import type { JobContext, JobStage } from './jobRunner.ts';

/** The input of hessianJob: the weights, the data's statistics and classify's options. */
export interface HessianJobInput {
  weights: Mat[];
  stats: Stats;
  options: Omit<ClassifyOptions, 'onProgress' | 'shouldStop'>;
}

/**
 * What hessianJob returns: the classification (status complete); after a first Ctrl-C during Lanczos,
 * the classification from the Ritz values reached (status interrupted, hessian.lanczos.stopped); after
 * one during the dense path, which has no partial result, only where it stopped (status stopped).
 */
export type HessianOutcome =
  | { status: 'complete' | 'interrupted'; classification: ClassifyResult }
  | { status: 'stopped'; stage: HessianStage; done: number; total: number };

/** How each stage is shown: what it does and what it counts. */
export const HESSIAN_STAGES: Readonly<Record<HessianStage, (p: number) => JobStage>> = {
  'dense-hessian': (p) => ({ label: `building the dense ${p}×${p} Hessian`, unit: 'column' }),
  eigenvalues: (p) => ({ label: `computing the eigenvalues of the ${p}×${p} Hessian`, unit: 'column' }),
  lanczos: () => ({ label: 'running Lanczos on Hessian-vector products', unit: 'iteration' }),
};

/**
 * The job of `dln hessian` (run by runJob): Theorem 7 and the Hessian verdict (classify), showing
 * each long stage (the dense Hessian column by column, its eigendecomposition, Lanczos iterations)
 * and stopping when job.shouldStop().
 */
export function hessianJob(input: HessianJobInput, job: JobContext): HessianOutcome {
  const p = input.weights.reduce((s, w) => s + w.rows * w.cols, 0);
  let stage: HessianStage | null = null;
  try {
    const classification = classify(input.weights, input.stats, {
      ...input.options,
      onProgress(s, k, n) {
        if (s !== stage) { stage = s; job.begin(n, HESSIAN_STAGES[s](p)); }
        job.progress(k);
      },
      shouldStop: () => job.shouldStop(),
    });
    return { status: classification.hessian.lanczos?.stopped === true ? 'interrupted' : 'complete', classification };
  } catch (e) {
    if (e instanceof StoppedError) return { status: 'stopped', stage: e.stage as HessianStage, done: e.done, total: e.total };
    throw e;
  }
}
