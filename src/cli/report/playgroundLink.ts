import type { FigureRun } from '../../experiments/types.ts';
import { DEFAULT_CONFIG, type PlaygroundConfig, configToParams } from '../../playground/config.ts';

/** The playground configuration that starts a figure's run again (GD at a constant typed step unless the run names its optimizer). */
export function playgroundConfig(run: FigureRun): PlaygroundConfig {
  const d = run.data;
  const data: PlaygroundConfig['data'] = d.name === 'mnist' ? { kind: 'real', name: 'mnist', pca: d.pca, train: d.train, center: d.center }
    : d.name === 'cars' || d.name === 'penguins' ? { kind: 'real', name: d.name }
      : { kind: 'builtin', name: d.name, ...('m' in d && d.m !== undefined ? { m: d.m } : {}) };
  const i = run.init;
  const init: PlaygroundConfig['init'] = i.kind === 'critical'
    ? { kind: 'critical', subset: [...i.subset], strict: i.strict, perturb: i.perturb, ...(i.relative ? { relative: true } : {}) }
    : { ...i };
  const base = { ...DEFAULT_CONFIG, dims: [...run.dims], data, init, etaMode: 'value' as const, seed: run.seed, steps: run.steps, recordEvery: run.recordEvery };
  const o = run.optimizer;
  if (o === undefined) {
    if (run.eta === undefined) throw new RangeError(`playgroundConfig: the run '${run.curve}' has neither an optimizer nor a step size`);
    return { ...base, optimizer: 'gd', eta: run.eta };
  }
  if (o.kind === 'power') return { ...base, optimizer: 'power', eta: o.c, powerB: o.b, powerP: o.p };
  const pgd = { ...(o.beta !== undefined ? { beta: o.beta } : {}), ...(o.rho !== undefined ? { rho: o.rho } : {}), ...(o.deltaF !== undefined ? { deltaF: o.deltaF } : {}) };
  return { ...base, optimizer: 'pgd', epsilon: o.epsilon, ...(Object.keys(pgd).length > 0 ? { pgd } : {}) };
}

/** The share-URL query (without '?') of a figure's run. */
export function playgroundQuery(run: FigureRun): string {
  return configToParams(playgroundConfig(run)).toString();
}

/** The port `dln playground` listens on unless told otherwise (the report's links from a file:// page). */
export const PLAYGROUND_PORT = 8080;
