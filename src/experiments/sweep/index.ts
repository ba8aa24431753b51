// Sweeps: specification, cells, and their evaluation on the batched engine (no Node built-ins).
export { type AxisValue, type ProblemSink, spacedValues, parseAxis, MAX_AXIS_VALUES } from './axes.ts';
export { SWEEP_FORMAT, SWEEP_DATA_NAMES, MNIST_SETTINGS, AXIS_NAMES, INIT_KINDS, type AxisName, type InitKind, type CellSettings, type ClassifyOptions, type SweepSpec, parseSpec, specToJson, specDataNames, dataTaking } from './spec.ts';
export { type CellPlan, MAX_CELLS, cellCount, cellAt, cellWork, sweepWork, cellDims, cellInit, instanceKey, planChunks, dataEnds, dataKey, isRealData, mnistSettings, generatorParams } from './cells.ts';
export { type CellData, SweepData } from './cellData.ts';
export { type CellStatus, type RunSummary, classifyRun, plateauSteps } from './classifyRun.ts';
export { type Instance, prepareInstance, cellSharpness } from './prepareInstance.ts';
export { type SegmentLane, type SegmentRules, type SegmentOutcome, segmentLength, segmentedRun } from './segmentedRun.ts';
export { type CellRecord, type CellTrainConfig, type EvaluateOptions, evaluateCells, trainCommand } from './evaluateCells.ts';
export { STATUS_COLORS, ENDED_COLORS, endedAs, type FigureAxes, chooseAxes, statusTiles, divergenceThresholds, sweepFigures } from './sweepFigures.ts';
export { builtinSweepNames, builtinSweepSpec, analyseBuiltin, runSweepHere, divergencePhase, catapultPhase } from './builtinSweeps.ts';
