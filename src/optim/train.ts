import { type Mat, zeros, isFiniteMat } from '../linalg/mat.ts';
import type { Stats } from '../model/stats.ts';
import { assertFitsData } from '../model/network.ts';
import { type GradWorkspace, createGradWorkspace, lossAndGradInto } from '../model/lossAndGrad.ts';
import { type UnrolledLossAndGrad, compileLossAndGrad } from '../model/unrolledLossAndGrad.ts';
import { initialInvariants, balancedness, assertInvariantsMatch } from '../model/invariants.ts';
import { type Schedule, stepSize, validateSchedule } from './schedules.ts';
import { gdStep, tupleNorm } from './gd.ts';
import { type Recorder, type TrajectoryRecord, createRecorder } from './trajectory.ts';
import { type Retention, createRetention, retainRecord } from './retainedTrajectory.ts';
import type { SharpnessState } from '../model/index.ts';
import { type SharpnessRecorder, type SharpnessRecording, createSharpnessRecorder, recordSharpness } from './sharpnessRecording.ts';

/** Stop rules and recording of a training run; every optional field states its default. */
/** The defaults of the stopping and recording options that GD and the flow share (THEORY §7 for divergeAbove). */
export const TRAIN_DEFAULTS = { divergeAbove: 1e12, recordEvery: 10 } as const;
/**
 * Most steps a run may be asked for (`dln train --steps`, a sweep's steps): 10⁹, a quarter of an hour at
 * the fastest rate dln reaches (about 10⁶ steps/s on the smallest networks, docs/performance.md); a
 * budget far above it (10¹²: days) is a typo rather than a plan.
 */
export const MAX_STEPS = 1_000_000_000;

/** Options of trainGD: the schedule, when to stop, and what to record. */
export interface TrainOptions {
  /** Step sizes η_k (a constant schedule is plain GD). */
  schedule: Schedule;
  /** Total number of steps: the run stops at step maxSteps (counted from 0, also across resumes). */
  maxSteps: number;
  /** Stop as 'converged' once L ≤ lossTol (default: never). */
  lossTol?: number;
  /** Stop as 'converged' once √(Σ_j‖∇_{W_j}L‖_F²) ≤ gradTol (default: never). */
  gradTol?: number;
  /** Stop as 'diverged' once L > divergeAbove or L is not finite (default 1e12, THEORY §7). */
  divergeAbove?: number;
  /** Record every this many steps, and at the end (default 10). */
  recordEvery?: number;
  /**
   * Record λ_max(∇²L) (and λ_min) on the records whose step is a multiple of sharpness.every, and on
   * the final record (THEORY §12; default: not recorded). When the run stops at a record step that is
   * not due, onRecord has seen that record before its sharpness is added.
   */
  sharpness?: SharpnessRecording;
  /** Called with each new record (also those not kept under retain). */
  onRecord?(record: TrajectoryRecord): void;
  /**
   * Keep at most about this many records in the result's trajectory (≥ 2): evenly spaced ones, every
   * stride-th with the stride doubling as the run grows, plus the final one (retainedTrajectory.ts);
   * onRecord still sees every record. Default: keep all.
   */
  retain?: number;
  /** Called with (step, loss) at every step, before the step is taken. */
  onProgress?(step: number, loss: number): void;
  /** Polled after every step; returning true stops the run as 'interrupted' (Ctrl-C). Default: never. */
  shouldStop?(): boolean;
}

/** Why a run stopped: a tolerance was met ('converged'), the step budget ran out, the loss blew up, or shouldStop() asked. */
export type TrainStatus = 'converged' | 'max-steps' | 'diverged' | 'interrupted';

/** Outcome of a run; loss, gradNorm and balancedness are those of the returned weights. */
export interface TrainResult {
  status: TrainStatus;
  /** Steps taken in total (including those before a resume). */
  steps: number;
  loss: number;
  gradNorm: number;
  balancedness: number;
  /** The trained weights (the very arrays passed in, updated in place). */
  weights: Mat[];
  trajectory: TrajectoryRecord[];
  /** The invariants C_j at step 0, against which drift is measured (a wide layer's as its factor, THEORY §3.7: see initialInvariants). */
  c0: Mat[];
  /** trainGD: the state of the records' retention (stride, records produced, last step recorded), for a resume. */
  recording?: { stride: number; produced: number; last: number };
  /** With options.sharpness: the sharpness tracker's warm-start state (a checkpoint's TrainResume.sharpness). */
  sharpnessState?: SharpnessState;
}

/** Where to continue a run from: the state a TrainResult (e.g. an 'interrupted' one) left at step `step`. */
export interface TrainResume {
  step: number;
  trajectory: TrajectoryRecord[];
  c0: Mat[];
  /** TrainResult.recording of the interrupted run (default: every record kept, as in trajectory). */
  recording?: { stride: number; produced: number; last: number };
  /** The sharpness tracker's state at step (TrainResult.sharpnessState), for a bit-exact continuation. */
  sharpness?: SharpnessState;
}

/** Options with every default filled in; throws a RangeError naming the bad field. */
export function normalizeTrainOptions(o: TrainOptions): Required<Pick<TrainOptions, 'maxSteps' | 'lossTol' | 'gradTol' | 'divergeAbove' | 'recordEvery'>> {
  validateSchedule(o.schedule);
  const n = {
    maxSteps: o.maxSteps, lossTol: o.lossTol ?? -Infinity, gradTol: o.gradTol ?? -Infinity,
    divergeAbove: o.divergeAbove ?? TRAIN_DEFAULTS.divergeAbove, recordEvery: o.recordEvery ?? TRAIN_DEFAULTS.recordEvery,
  };
  if (!Number.isInteger(n.maxSteps) || n.maxSteps < 0) throw new RangeError(`maxSteps must be an integer ≥ 0, got ${o.maxSteps}`);
  if (!Number.isInteger(n.recordEvery) || n.recordEvery < 1) throw new RangeError(`recordEvery must be an integer ≥ 1, got ${o.recordEvery}`);
  if (Number.isNaN(n.lossTol) || Number.isNaN(n.gradTol)) throw new RangeError('lossTol and gradTol must be numbers');
  if (!(n.divergeAbove > 0)) throw new RangeError(`divergeAbove must be > 0, got ${o.divergeAbove}`);
  return n;
}

function assertResumeFits(resume: TrainResume, dims: readonly number[]): void {
  if (!Number.isInteger(resume.step) || resume.step < 0) throw new RangeError(`resume.step must be an integer ≥ 0, got ${resume.step}`);
  assertInvariantsMatch(resume.c0, dims, 'resume.c0');
}

/** What trainGD's records need: the recorder, the trajectory so far and the step last recorded. */
interface Recording {
  recorder: Recorder; trajectory: TrajectoryRecord[]; weights: readonly Mat[]; options: TrainOptions; retention: Retention;
  /** The record produced last in this call (the final state must be kept even where the stride skips it). */
  lastRecord: TrajectoryRecord | null;
  sharp: SharpnessRecorder | null; stats: Stats;
}

/** Records step (once), keeps it under the retention and tells options.onRecord. */
function recordAt(rec: Recording, step: number, loss: number, gradNorm: number, final = false): void {
  if (rec.retention.last === step) {
    if (final && rec.lastRecord !== null && rec.trajectory[rec.trajectory.length - 1] !== rec.lastRecord) rec.trajectory.push(rec.lastRecord);
    return;
  }
  const r = rec.recorder.record(step, loss, gradNorm, rec.weights);
  recordSharpness(rec.sharp, r, rec.weights, rec.stats);
  retainRecord(rec.trajectory, rec.retention, r, final);
  rec.lastRecord = r;
  rec.options.onRecord?.(r);
}

/** How trainGD evaluates L and ∇L for widths dims: the generated kernel of small widths, else a workspace for lossAndGrad. */
export interface GradientEvaluation { unrolled: UnrolledLossAndGrad | null; ws: GradWorkspace | null }

/**
 * Small widths get the kernel generated for the shape (model/unrolledLossAndGrad.ts: the TypeScript
 * backend's bits whatever the backend, since a call into any backend costs more than these products);
 * wider ones lossAndGrad with the active backend.
 */
export function gradientEvaluation(dims: readonly number[]): GradientEvaluation {
  const unrolled = compileLossAndGrad(dims);
  return { unrolled, ws: unrolled === null ? createGradWorkspace(dims) : null };
}

/**
 * trainGD's evaluation at the weights: ∇_{W_j}L into grads[j−1], L into out[0], √(Σ_j‖∇_{W_j}L‖_F²) into
 * out[1] (through an array: a returned double is boxed, one allocation per call). Allocates nothing.
 */
export function evaluateGradient(weights: readonly Mat[], stats: Stats, grads: Mat[], out: Float64Array, how: GradientEvaluation): void {
  if (how.unrolled !== null) {
    how.unrolled(weights, stats, grads, out);
    out[1] = Math.sqrt(out[1]);
  } else {
    const ws = how.ws as GradWorkspace;
    lossAndGradInto(weights, stats, grads, ws);
    out[0] = ws.loss[0];
    out[1] = tupleNorm(grads);
  }
}

/**
 * Makes result.balancedness that of weights as they are now, computed when first read: it costs a
 * spectral norm per layer pair (5–18 ms for ten 32×32 layers), which a caller resuming in short
 * slices (the playground) would otherwise pay per slice. The weights are copied, as the caller may
 * go on changing them; NaN when they are not finite or defined is false.
 */
export function lazyBalancedness(result: { balancedness: number }, weights: readonly Mat[], defined = true): void {
  let bal: number | undefined;
  const finalWeights = weights.map((w) => ({ rows: w.rows, cols: w.cols, data: w.data.slice() }));
  Object.defineProperty(result, 'balancedness', {
    enumerable: true, configurable: true,
    get: () => (bal ??= defined && finalWeights.every(isFiniteMat) ? balancedness(finalWeights) : Number.NaN),
    set: (v: number) => { bal = v; },
  });
}

/** The state of trainGD's step loop. */
interface Loop {
  readonly stats: Stats; readonly weights: Mat[]; readonly grads: Mat[]; readonly how: GradientEvaluation;
  /** L and ‖∇L‖ at the current weights, once evaluated. */
  readonly lossNorm: Float64Array;
  readonly opt: ReturnType<typeof normalizeTrainOptions>; readonly options: TrainOptions;
  step: number; evaluated: boolean; interrupted: boolean;
}

/**
 * trainGD's iterations from loop.step: evaluate, diverged?, [record], progress, converged?, max-steps?,
 * interrupted?, step. Returns the stop status, or null when step is due a record, with L and ∇L
 * evaluated; called again, it goes on from there. Records stay out of this loop (and out of what V8
 * optimises with it), and it calls only module functions and the per-shape kernel, so the optimised
 * loop survives from run to run.
 */
function runSteps(l: Loop): TrainStatus | null {
  const { stats, weights, grads, how, lossNorm, opt, options } = l;
  for (;;) {
    if (!l.evaluated) {
      evaluateGradient(weights, stats, grads, lossNorm, how);
      l.evaluated = true;
      if (!Number.isFinite(lossNorm[0]) || lossNorm[0] > opt.divergeAbove || !Number.isFinite(lossNorm[1])) return 'diverged';
      if (l.step % opt.recordEvery === 0) return null;
    }
    const loss = lossNorm[0], gradNorm = lossNorm[1];
    options.onProgress?.(l.step, loss);
    if (loss <= opt.lossTol || gradNorm <= opt.gradTol) return 'converged';
    if (l.step >= opt.maxSteps) return 'max-steps';
    if (l.interrupted) return 'interrupted';
    gdStep(weights, grads, stepSize(options.schedule, l.step));
    l.step++;
    l.evaluated = false;
    if (options.shouldStop?.()) l.interrupted = true;
  }
}

/**
 * Gradient descent W(k+1) = W(k) − η_k ∇L(W(k)) on the loss given by sufficient statistics (THEORY
 * §1.6). The weights passed in are updated in place and returned in the result. Each iteration
 * evaluates L and ∇L at W(k), records when k is a multiple of recordEvery, checks the stop rules
 * (diverged → converged → max-steps → interrupted) and only then steps; the loop allocates nothing.
 * Continuing with `resume` from the state at step k (weights, k, trajectory, c0) reproduces an
 * uninterrupted run bit for bit.
 */
export function trainGD(stats: Stats, weights: Mat[], options: TrainOptions, resume?: TrainResume): TrainResult {
  const opt = normalizeTrainOptions(options);
  const dims = assertFitsData(weights, stats.dx, stats.dy);
  if (resume) assertResumeFits(resume, dims);
  const c0 = resume ? resume.c0 : initialInvariants(weights);
  const trajectory = resume ? resume.trajectory.slice() : [];
  const grads = weights.map((w) => zeros(w.rows, w.cols));
  const rec: Recording = {
    recorder: createRecorder(dims, c0), trajectory, weights, options, lastRecord: null,
    retention: createRetention(options.retain ?? Infinity, resume?.recording ?? {
      stride: 1, produced: trajectory.length, last: trajectory.length > 0 ? trajectory[trajectory.length - 1].step : -1,
    }),
    sharp: createSharpnessRecorder(dims, options.sharpness, resume?.sharpness), stats,
  };
  const loop: Loop = {
    stats, weights, grads, how: gradientEvaluation(dims), lossNorm: new Float64Array(2), opt, options,
    step: resume ? resume.step : 0, evaluated: false, interrupted: false,
  };
  let status: TrainStatus | null;
  while ((status = runSteps(loop)) === null) recordAt(rec, loop.step, loop.lossNorm[0], loop.lossNorm[1]);
  const step = loop.step, loss = loop.lossNorm[0], gradNorm = loop.lossNorm[1];
  // An interrupted run leaves its last state unrecorded, so that a resumed run records exactly the
  // steps an uninterrupted one would.
  if (status !== 'interrupted') {
    recordAt(rec, step, loss, gradNorm, true);
    if (rec.lastRecord !== null) recordSharpness(rec.sharp, rec.lastRecord, weights, stats, true);
  }
  const { stride, produced, last } = rec.retention;
  const result: TrainResult = { status, steps: step, loss, gradNorm, balancedness: Number.NaN, weights, trajectory, c0, recording: { stride, produced, last } };
  lazyBalancedness(result, weights);
  if (rec.sharp !== null) result.sharpnessState = rec.sharp.tracker.state();
  return result;
}
