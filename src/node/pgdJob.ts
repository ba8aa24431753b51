import { InputError } from '../errors.ts';
import { type Mat, Rng } from '../linalg/index.ts';
import { type Dataset, dimsOf, statsFromData } from '../model/index.ts';
import { type LossExplanation, explainFinal } from '../landscape/index.ts';
import { type PgdOptions, type PgdResult, LocalSmoothnessError, localSmoothness, pgd } from '../optim/index.ts';
import type { JobContext } from './jobRunner.ts';

/** The input of pgdJob: the data, the initial weights, PGD's numeric options, and the generator's state for the perturbations. */
export interface PgdJobInput {
  dataset: Dataset;
  weights: Mat[];
  options: Omit<PgdOptions, 'rng' | 'onProgress' | 'shouldStop'> & { maxIterations: number };
  /** Rng.state() of the generator after the data and the initial weights were drawn. */
  rngState: number[];
}

/** What pgdJob returns. */
export interface PgdOutcome {
  result: PgdResult;
  lossOLS: number;
  /** Where the final loss sits among the critical values; null when it cannot be said. */
  explanation: LossExplanation | null;
  /** L at iteration 0 as PGD's progress saw it (NaN for a run that did not start at 0): finalStatus's L(0). */
  lossInit: number;
}

/**
 * The job of `dln pgd` (run by runJob): statistics, the default β and ρ (THEORY §6.1), then PGD
 * (THEORY §6.5) until it returns or job.shouldStop().
 */
export function pgdJob(input: PgdJobInput, job: JobContext): PgdOutcome {
  const stats = statsFromData(input.dataset);
  let { beta, rho } = input.options;
  if (beta === undefined || rho === undefined) {
    try {
      // What pgd would compute itself; done here so that a bad start is reported before progress begins.
      const local = localSmoothness(stats, input.weights);
      beta ??= local.beta;
      rho ??= local.rho;
    } catch (e) {
      // The default β, ρ vanish when the start and the least-squares map are both 0.
      if (e instanceof LocalSmoothnessError) throw new InputError(`${e.reason}: give --beta and --rho`);
      throw e;
    }
  }
  job.begin(input.options.maxIterations);
  let lossInit = Number.NaN;
  const result = pgd(stats, input.weights, {
    ...input.options, beta, rho, rng: Rng.fromState(input.rngState),
    onProgress: (t, loss) => { if (t === 0) lossInit = loss; job.progress(t, loss); },
    shouldStop: () => job.shouldStop(),
  });
  job.progress(result.iterations, result.loss);
  return { result, lossOLS: stats.lossOLS, explanation: explainFinal(result, stats, dimsOf(result.weights)), lossInit };
}
