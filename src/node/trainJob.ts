import { type Mat, isFiniteMat } from '../linalg/index.ts';
import { type Dataset, dimsOf, invariantDrift, statsFromData } from '../model/index.ts';
import {
  type FlowOptions, type FlowResult, type FlowResume, type TrainOptions, type TrainResult, type TrainResume, type TrajectoryRecord, type TrajectoryColumns,
  gradientFlow, trainGD, trajectoryCsvRow,
} from '../optim/index.ts';
import { type LossExplanation, explainFinal } from '../landscape/index.ts';
import type { JobContext } from './jobRunner.ts';
import { appendFileSync } from 'node:fs';

/** The stopping and recording options of a run, as GD and the flow share them (TrainOptions' own fields). */
type StopAndRecord = Required<Pick<TrainOptions, 'recordEvery' | 'divergeAbove'>> & Pick<TrainOptions, 'lossTol' | 'gradTol' | 'sharpness'>;

/**
 * What decides a run's numbers besides its data and initial weights: GD with TrainOptions' schedule,
 * or the flow with FlowOptions' end time and tolerances; steps is maxSteps (GD: the step budget,
 * flow: the most accepted Runge–Kutta steps).
 */
export type TrainRun = StopAndRecord & { steps: TrainOptions['maxSteps'] } & (
  | ({ method: 'gd' } & Pick<TrainOptions, 'schedule'>)
  | ({ method: 'flow' } & Required<Pick<FlowOptions, 'tEnd' | 'rtol' | 'atol'>>)
);

/** The input of trainJob: the run, its data and initial weights, and where a resumed run continues from. */
export interface TrainJobInput {
  run: TrainRun; dataset: Dataset; weights: Mat[]; resume?: TrainResume | FlowResume;
  /** GD and the flow keep at most this many records in memory (TrainOptions.retain, FlowOptions.retain; default all). */
  retain?: number;
  /** A CSV file (its header already written) to which every record is appended as it is taken. */
  trajectoryFile?: string;
}

/** What trainJob returns. */
export interface TrainOutcome {
  result: TrainResult | FlowResult;
  /** Seconds of GD or the flow proper (statistics excluded). */
  seconds: number;
  lossOLS: number;
  /** max_j ‖C_j − C_j(0)‖₂ of the final weights (THEORY §3.4); NaN when they are not finite. */
  drift: number;
  /** Where the final loss sits among the critical values; null when it cannot be said (Σ_XX singular, weights not finite). */
  explanation: LossExplanation | null;
}

/** The job of `dln train` (run by runJob): statistics, then GD or the flow, stopping when job.shouldStop(). */
export function trainJob(input: TrainJobInput, job: JobContext): TrainOutcome {
  const s = input.run;
  const stats = statsFromData(input.dataset);
  const common = {
    maxSteps: s.steps, recordEvery: s.recordEvery, divergeAbove: s.divergeAbove, lossTol: s.lossTol, gradTol: s.gradTol,
    ...(s.sharpness !== undefined ? { sharpness: s.sharpness } : {}),
    shouldStop: () => job.shouldStop(),
  };
  const stream = input.trajectoryFile !== undefined ? csvAppender(input.trajectoryFile, dimsOf(input.weights), trajectoryColumns(s)) : undefined;
  job.begin(s.method === 'gd' ? s.steps : s.tEnd);
  const t0 = performance.now();
  let result: TrainResult | FlowResult;
  try {
    result = s.method === 'gd'
      ? trainGD(stats, input.weights, {
        ...common, schedule: s.schedule, onProgress: (step, loss) => job.progress(step, loss),
        ...(stream !== undefined ? { onRecord: stream.add } : {}), ...(input.retain !== undefined ? { retain: input.retain } : {}),
      }, input.resume as TrainResume | undefined)
      : gradientFlow(stats, input.weights, {
        ...common, tEnd: s.tEnd, rtol: s.rtol, atol: s.atol, onProgress: (_step, loss, t) => job.progress(t, loss),
        ...(stream !== undefined ? { onRecord: stream.add } : {}), ...(input.retain !== undefined ? { retain: input.retain } : {}),
      }, input.resume as FlowResume | undefined);
  } finally {
    stream?.flush();
  }
  const seconds = (performance.now() - t0) / 1000;
  const drift = result.weights.every(isFiniteMat) ? invariantDrift(result.weights, result.c0) : Number.NaN;
  return { result, seconds, lossOLS: stats.lossOLS, drift, explanation: explainFinal(result, stats, dimsOf(result.weights)) };
}

/** The optional columns of a run's trajectory.csv. */
export function trajectoryColumns(run: TrainRun): TrajectoryColumns {
  return { hasT: run.method === 'flow', hasS: run.sharpness !== undefined, hasMin: run.sharpness?.lambdaMin === true };
}

/**
 * Appends trajectory.csv rows to path as records come, in blocks of 256 lines (and on flush()). The
 * newest record waits for the next one (or flush): the final record gets its sharpness after onRecord.
 */
function csvAppender(path: string, dims: readonly number[], columns: TrajectoryColumns): { add(r: TrajectoryRecord): void; flush(): void } {
  const r = Math.min(dims[0], dims[dims.length - 1]);
  let lines: string[] = [], pending: TrajectoryRecord | null = null;
  const write = (): void => {
    if (lines.length > 0) appendFileSync(path, `${lines.join('\n')}\n`);
    lines = [];
  };
  return {
    add(rec) {
      if (pending !== null) lines.push(trajectoryCsvRow(pending, r, columns));
      pending = rec;
      if (lines.length >= 256) write();
    },
    flush() {
      if (pending !== null) lines.push(trajectoryCsvRow(pending, r, columns));
      pending = null;
      write();
    },
  };
}
