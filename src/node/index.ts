/**
 * The `dln/node` entry: what needs Node.js — worker-thread parallelism (the batched trainer across
 * threads, experiments in a pool, long jobs off the main thread), the native OpenBLAS/LAPACK backend,
 * data and weights files read from disk (.npy, .npz, .csv; one sample per row), and files written so
 * that a reader never sees half of one.
 *
 * @module dln/node
 */
export { trainBatchedParallel } from './trainBatchedParallel.ts';
export { type TaskEnd, type RunExperimentsOptions, type ExperimentPool, runExperiments } from './runExperiments.ts';
export { type ExperimentTask, type RenderedFigure, type ExperimentOutcome, type TaskProgress, experimentTask } from './experimentTask.ts';
export {
  type JobContext, type JobStage, type JobSpec, type StartJobOptions, type RunningJob, type JobIO, type RunJobOptions, startJob, runJob, onInterrupts,
} from './jobRunner.ts';
export { type NpzKey, readMatrixFile, loadDataset, readWeightsFile } from './dataFiles.ts';
export { writeFileAtomic } from './writeFileAtomic.ts';
export { type StagingOptions, createStagingDir, commitStagingDir, discardStagingDir, withStagingDir } from './stagingDir.ts';
export { encodeExactJson, decodeExactJson } from './exactJson.ts';
export {
  type NativeAddon, type NativeBackendOptions, createNativeBackend, loadNativeAddon, nativeBackendFromAddon,
} from '../linalg/backends/nativeBackend.ts';
