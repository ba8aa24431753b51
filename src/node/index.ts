// The `dln/node` entry: what needs Node.js — worker-thread parallelism (the batched trainer across
// threads, experiments in a pool), the native OpenBLAS/LAPACK backend and the file formats on disk.
export { trainBatchedParallel } from './trainBatchedParallel.ts';
export {
  type ExperimentTask, type RenderedFigure, type ExperimentOutcome, type TaskEnd, type RunExperimentsOptions, type ExperimentPool,
  runExperiments, experimentTask,
} from './runExperiments.ts';
export {
  type NativeAddon, type NativeBackendOptions, createNativeBackend, loadNativeAddon, nativeBackendFromAddon,
} from '../linalg/backends/nativeBackend.ts';
