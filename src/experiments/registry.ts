import { ArgumentError } from '../errors.ts';
import type { Experiment } from './types.ts';
import { smoke, smokeLong } from './smoke.ts';
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
import { mnistDepth } from './mnist-depth.ts';
import { mnistPlateaus } from './mnist-plateaus.ts';
import { regressionLandscape } from './regression-landscape.ts';
import { edgeOfStability } from './edge-of-stability.ts';
import { flatMinimaThreshold } from './flat-minima-threshold.ts';
import { saxeModes } from './saxe-modes.ts';
import { catapultPhase, divergencePhase } from './sweep/builtinSweeps.ts';

/**
 * The experiments of `dln reproduce` and `dln experiment --list`, in report order (THEORY §8.1–8.9,
 * then dln's own). To add one: import it above and add it here, one line.
 */
export const experiments: readonly Experiment<any>[] = [
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
  mnistDepth,
  mnistPlateaus,
  regressionLandscape,
  edgeOfStability,
  flatMinimaThreshold,
  saxeModes,
  divergencePhase,
  catapultPhase,
];

/** Built-in experiments for dln's own tests: runnable by name, never listed and never run by default. */
export const hiddenExperiments: readonly Experiment<any>[] = [smoke, smokeLong];

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Whether name is one of hiddenExperiments. */
export function isHidden(name: string): boolean {
  return hiddenExperiments.some((e) => e.name === name);
}

/** The valid names a user may type, as a message lists them. */
function validNames(): string {
  return experiments.length === 0 ? 'none registered yet' : experiments.map((e) => e.name).join(', ');
}

/** The experiment called name (listed or hidden); an ArgumentError listing the valid names otherwise. */
export function getExperiment(name: string): Experiment<any> {
  const found = experiments.find((e) => e.name === name) ?? hiddenExperiments.find((e) => e.name === name);
  if (found === undefined) throw new ArgumentError(`unknown experiment '${name}'; valid names: ${validNames()}`);
  return found;
}

/**
 * The experiments that a comma-separated --only list names, in the order given (duplicates once);
 * every listed experiment when only is undefined. Unknown names are one ArgumentError naming them all.
 */
export function selectExperiments(only?: string): Experiment<any>[] {
  if (only === undefined) return [...experiments];
  const names = [...new Set(only.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  if (names.length === 0) throw new ArgumentError(`--only needs at least one experiment name; valid names: ${validNames()}`);
  const unknown = names.filter((n) => !experiments.some((e) => e.name === n) && !isHidden(n));
  if (unknown.length > 0) {
    const list = unknown.map((n) => `'${n}'`).join(', ');
    throw new ArgumentError(`unknown experiment${unknown.length > 1 ? 's' : ''} ${list}; valid names: ${validNames()}`);
  }
  return names.map(getExperiment);
}

/**
 * Problems with the registry, one line each (empty when sound): names must be kebab-case and
 * distinct, and every experiment needs a title, a source, a question and both configurations.
 */
export function registryProblems(): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const e of [...experiments, ...hiddenExperiments]) {
    if (!NAME.test(e.name)) problems.push(`'${e.name}': the name must be kebab-case (a-z, 0-9, single hyphens)`);
    if (seen.has(e.name)) problems.push(`'${e.name}': registered twice`);
    seen.add(e.name);
    for (const field of ['title', 'source', 'question'] as const) {
      if (typeof e[field] !== 'string' || e[field].trim() === '') problems.push(`'${e.name}': empty ${field}`);
    }
    for (const field of ['defaults', 'quick'] as const) {
      if (e[field] === null || typeof e[field] !== 'object') problems.push(`'${e.name}': ${field} must be a configuration object`);
    }
    if (typeof e.run !== 'function') problems.push(`'${e.name}': run is not a function`);
  }
  return problems;
}
