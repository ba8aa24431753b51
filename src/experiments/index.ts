/**
 * Public API of dln's experiments: the contract every experiment implements, the registry that the
 * CLI and the playground read, and the built-in smoke experiments used by dln's own tests.
 *
 * @module dln/experiments
 */
export type { Check, Comparison, Experiment, ExperimentContext, ExperimentResult, Figure, FigureRun, Table } from './types.ts';
export { experiments, getExperiment, hiddenExperiments, isHidden, registryProblems, selectExperiments } from './registry.ts';
export { type SmokeConfig, smoke, smokeLong } from './smoke.ts';
// Sweeps: specs, cells, their evaluation on the batched engine, phase figures and the built-in sweeps.
export * from './sweep/index.ts';
