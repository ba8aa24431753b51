import { type Mat, zeros, isFiniteMat } from '../linalg/mat.ts';
import type { Stats } from '../model/stats.ts';
import { dimsOf, validateDims } from '../model/network.ts';
import { createGradWorkspace, lossAndGrad } from '../model/lossAndGrad.ts';
import { compileLossAndGrad } from '../model/unrolledLossAndGrad.ts';
import { invariants, balancedness } from '../theory/balancedness.ts';
import { type Schedule, validateSchedule } from './schedules.ts';
import { gd, tupleNorm } from './gd.ts';
import { type TrajectoryRecord, createRecorder } from './trajectory.ts';

/** Stop rules and recording of a training run; every optional field states its default. */
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
  /** Called with each new record. */
  onRecord?(record: TrajectoryRecord): void;
  /** Called with (step, loss) at every step, before the step is taken. */
  onProgress?(step: number, loss: number): void;
  /** Polled after every step; returning true stops the run as 'interrupted' (Ctrl-C). Default: never. */
  shouldStop?(): boolean;
}

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
  /** The invariants C_j at step 0, against which drift is measured. */
  c0: Mat[];
}

/** Where to continue a run from: the state a TrainResult (e.g. an 'interrupted' one) left at step `step`. */
export interface TrainResume {
  step: number;
  trajectory: TrajectoryRecord[];
  c0: Mat[];
}

/** Options with every default filled in; throws a RangeError naming the bad field. */
export function normalizeTrainOptions(o: TrainOptions): Required<Pick<TrainOptions, 'maxSteps' | 'lossTol' | 'gradTol' | 'divergeAbove' | 'recordEvery'>> {
  validateSchedule(o.schedule);
  const n = {
    maxSteps: o.maxSteps, lossTol: o.lossTol ?? -Infinity, gradTol: o.gradTol ?? -Infinity,
    divergeAbove: o.divergeAbove ?? 1e12, recordEvery: o.recordEvery ?? 10,
  };
  if (!Number.isInteger(n.maxSteps) || n.maxSteps < 0) throw new RangeError(`maxSteps must be an integer ≥ 0, got ${o.maxSteps}`);
  if (!Number.isInteger(n.recordEvery) || n.recordEvery < 1) throw new RangeError(`recordEvery must be an integer ≥ 1, got ${o.recordEvery}`);
  if (Number.isNaN(n.lossTol) || Number.isNaN(n.gradTol)) throw new RangeError('lossTol and gradTol must be numbers');
  if (!(n.divergeAbove > 0)) throw new RangeError(`divergeAbove must be > 0, got ${o.divergeAbove}`);
  return n;
}

/** Throws a RangeError when the network's end widths do not fit the data's d_x and d_y. */
export function assertFitsData(weights: readonly Mat[], dx: number, dy: number): number[] {
  const dims = dimsOf(weights);
  validateDims(dims);
  if (dims[0] !== dx || dims[dims.length - 1] !== dy) {
    throw new RangeError(`network maps ${dims[0]} → ${dims[dims.length - 1]} but the data has d_x = ${dx}, d_y = ${dy}`);
  }
  return dims;
}

function assertResumeFits(resume: TrainResume, dims: readonly number[]): void {
  if (!Number.isInteger(resume.step) || resume.step < 0) throw new RangeError(`resume.step must be an integer ≥ 0, got ${resume.step}`);
  const c0 = resume.c0;
  if (c0.length !== dims.length - 2 || c0.some((c, j) => c.rows !== dims[j + 1] || c.cols !== dims[j + 1])) {
    throw new RangeError(`resume.c0 holds ${c0.map((c) => `${c.rows}×${c.cols}`).join(', ') || 'no matrices'}, but widths [${dims.join(',')}] need C_1..C_${dims.length - 2} of sizes d_j×d_j`);
  }
}

/** L at the weights; writes ∇_{W_j}L into grads[j−1] and √(Σ_j‖∇_{W_j}L‖_F²) into norm[0]. */
export type GradientEvaluator = (weights: readonly Mat[], stats: Stats, grads: Mat[], norm: Float64Array) => number;

/**
 * The loss-and-gradient evaluation of trainGD's steps for widths dims. Small widths run the kernel
 * generated for the shape (model/unrolledLossAndGrad.ts: the TypeScript backend's bits whatever the
 * backend, since a call into any backend costs more than these products); wider ones lossAndGrad
 * with the active backend and tupleNorm. Allocates nothing per call.
 */
export function gradientEvaluator(dims: readonly number[]): GradientEvaluator {
  const unrolled = compileLossAndGrad(dims);
  if (unrolled !== null) {
    return (weights, stats, grads, norm) => {
      const loss = unrolled(weights, stats, grads, norm);
      norm[0] = Math.sqrt(norm[0]);
      return loss;
    };
  }
  const ws = createGradWorkspace(dims);
  return (weights, stats, grads, norm) => {
    const loss = lossAndGrad(weights, stats, grads, ws);
    norm[0] = tupleNorm(grads);
    return loss;
  };
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
  const c0 = resume ? resume.c0 : invariants(weights);
  const trajectory = resume ? resume.trajectory.slice() : [];
  const grads = weights.map((w) => zeros(w.rows, w.cols));
  const recorder = createRecorder(dims, c0);
  const optimizer = gd(options.schedule);
  const state = optimizer.init(weights);
  state.step = resume ? resume.step : 0;
  let lastRecorded = trajectory.length > 0 ? trajectory[trajectory.length - 1].step : -1;
  const record = (loss: number, gradNorm: number): void => {
    if (lastRecorded === state.step) return;
    const r = recorder.record(state.step, loss, gradNorm, weights);
    trajectory.push(r);
    lastRecorded = state.step;
    options.onRecord?.(r);
  };
  const evaluate = gradientEvaluator(dims), norm = new Float64Array(1);
  let interrupted = false, status: TrainStatus, loss: number, gradNorm: number;
  for (;;) {
    loss = evaluate(weights, stats, grads, norm);
    gradNorm = norm[0];
    if (!Number.isFinite(loss) || loss > opt.divergeAbove || !Number.isFinite(gradNorm)) { status = 'diverged'; break; }
    if (state.step % opt.recordEvery === 0) record(loss, gradNorm);
    options.onProgress?.(state.step, loss);
    if (loss <= opt.lossTol || gradNorm <= opt.gradTol) { status = 'converged'; break; }
    if (state.step >= opt.maxSteps) { status = 'max-steps'; break; }
    if (interrupted) { status = 'interrupted'; break; }
    optimizer.update(weights, grads, state);
    if (options.shouldStop?.()) interrupted = true;
  }
  // An interrupted run leaves its last state unrecorded, so that a resumed run records exactly the
  // steps an uninterrupted one would.
  if (status !== 'interrupted') record(loss, gradNorm);
  const bal = weights.every(isFiniteMat) ? balancedness(weights) : Number.NaN;
  return { status, steps: state.step, loss, gradNorm, balancedness: bal, weights, trajectory, c0 };
}
