export { type Schedule, constantSchedule, powerSchedule, validateSchedule, stepSize } from './schedules.ts';
export { type Optimizer, type GdState, gd, gdStep, assertGradsMatch, tupleNorm } from './gd.ts';
export { type TrajectoryRecord, type Recorder, createRecorder, trajectoryToCsv, trajectoryCsvHeader, trajectoryCsvRow, type TrajectoryColumns } from './trajectory.ts';
export { type Retention, createRetention, retainRecord } from './retainedTrajectory.ts';
export {
  TRAIN_DEFAULTS, MAX_STEPS, type TrainOptions, type TrainStatus, type TrainResult, type TrainResume, type GradientEvaluation, trainGD, normalizeTrainOptions,
  gradientEvaluation, evaluateGradient,
} from './train.ts';
export { assertFitsData } from '../model/network.ts';
export { FLOW_DEFAULTS, type FlowOptions, type FlowStatus, type FlowResult, type FlowResume, gradientFlow } from './flow.ts';
export { type Rhs, type Dopri5Workspace, createDopri5Workspace, dopri5Step, nextStepSize, initialStepSize } from './dopri5.ts';
export { type SgdOptions, trainSGD } from './sgd.ts';
export { type PgdOptions, type PgdConstants, type PgdPoint, type PgdResult, type PgdResume, pgd, pgdConstants } from './pgd.ts';
export { type LocalSmoothness, LocalSmoothnessError, localSmoothness } from './localSmoothness.ts';
export {
  type Batch, createBatch, setLane, laneWeights, batchLossAndGrad,
} from './batched/batch.ts';
export {
  type BatchTrainOptions, type BatchTrainResult, type BatchKernels, type LaneSharpness, type BatchOut, trainBatched, trainBatchRange,
} from './batched/trainBatched.ts';
export { laneStats } from './batched/batch.ts';
export {
  type SharpnessRecording, type SharpnessRecorder, createSharpnessRecorder, recordSharpness, validateSharpnessRecording,
} from './sharpnessRecording.ts';
