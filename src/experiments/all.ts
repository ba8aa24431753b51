import type { Experiment } from './types.ts';
import { plateaus } from './plateaus.ts';
import { strictVsNonstrict } from './strict-vs-nonstrict.ts';
import { stepSizeBound } from './step-size-bound.ts';
import { etaMaxDistribution } from './eta-max-distribution.ts';
import { divergenceThreshold } from './divergence-threshold.ts';
import { nrtConstantSteps } from './nrt-constant-steps.ts';
import { nrtDecreasingSteps } from './nrt-decreasing-steps.ts';
import { amgEscape } from './amg-escape.ts';
import { pgdOrigin } from './pgd-origin.ts';
import { invariantDriftExperiment } from './invariant-drift.ts';
import { catapultPhase, divergencePhase } from './sweep/builtinSweeps.ts';

/**
 * The experiments of `dln reproduce`, in report order (THEORY §8.1–8.9, then dln's own). Add one
 * import and one entry per experiment file; the registry (registry.ts) reads this list.
 */
export const allExperiments: Experiment<any>[] = [
  plateaus,
  strictVsNonstrict,
  stepSizeBound,
  etaMaxDistribution,
  divergenceThreshold,
  nrtConstantSteps,
  nrtDecreasingSteps,
  amgEscape,
  pgdOrigin,
  invariantDriftExperiment,
  divergencePhase,
  catapultPhase,
];
