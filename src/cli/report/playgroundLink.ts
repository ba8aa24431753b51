import type { FigureRun } from '../../experiments/types.ts';
import { DEFAULT_CONFIG, type PlaygroundConfig, configToParams } from '../../playground/config.ts';

/** The playground configuration that starts a figure's run again (GD at a constant typed step). */
export function playgroundConfig(run: FigureRun): PlaygroundConfig {
  const d = run.data;
  const data: PlaygroundConfig['data'] = d.name === 'mnist' ? { kind: 'real', name: 'mnist', pca: d.pca, train: d.train, center: d.center }
    : d.name === 'cars' || d.name === 'penguins' ? { kind: 'real', name: d.name }
      : { kind: 'builtin', name: d.name, ...('m' in d && d.m !== undefined ? { m: d.m } : {}) };
  return {
    ...DEFAULT_CONFIG, dims: [...run.dims], data, init: { ...run.init }, optimizer: 'gd', etaMode: 'value', eta: run.eta,
    seed: run.seed, steps: run.steps, recordEvery: run.recordEvery,
  };
}

/** The share-URL query (without '?') of a figure's run. */
export function playgroundQuery(run: FigureRun): string {
  return configToParams(playgroundConfig(run)).toString();
}

/** The port `dln playground` listens on unless told otherwise (the report's links from a file:// page). */
export const PLAYGROUND_PORT = 8080;
