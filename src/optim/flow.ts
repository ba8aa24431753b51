import type { Mat } from '../linalg/mat.ts';
import type { Stats } from '../model/stats.ts';
import { createGradWorkspace, lossAndGrad } from '../model/lossAndGrad.ts';
import { initialInvariants, assertInvariantsMatch } from '../model/invariants.ts';
import { createDopri5Workspace, dopri5Step, initialStepSize, nextStepSize } from './dopri5.ts';
import { type TrajectoryRecord, createRecorder } from './trajectory.ts';
import { createRetention, retainRecord } from './retainedTrajectory.ts';
import { type TrainResult, type TrainStatus, TRAIN_DEFAULTS, lazyBalancedness } from './train.ts';
import { assertFitsData } from '../model/network.ts';
import type { SharpnessState } from '../model/index.ts';
import { type SharpnessRecording, createSharpnessRecorder, recordSharpness } from './sharpnessRecording.ts';

/** Options of gradientFlow; every optional field states its default. */
/** The defaults of FlowOptions' tolerances and step budget (the CLI states none of its own). */
export const FLOW_DEFAULTS = { rtol: 1e-8, atol: 1e-10, maxSteps: 100000 } as const;

/** Options of gradientFlow (Dormand–Prince RK45 with step-size control on dW/dt = −∇L). */
export interface FlowOptions {
  /** Integrate over t ∈ [0, tEnd]. */
  tEnd: number;
  /** Relative tolerance per step (default 1e-8). */
  rtol?: number;
  /** Absolute tolerance per step (default 1e-10). */
  atol?: number;
  /** Most accepted Runge–Kutta steps (default 100000). */
  maxSteps?: number;
  /** First trial step (default: Hairer's automatic choice). */
  h0?: number;
  /** Record every this many accepted steps, and at the end (default 10); ignored when recordDt is set. */
  recordEvery?: number;
  /** Record at t = 0, dt, 2dt, … exactly (steps are shortened to land on these times) and at the end. */
  recordDt?: number;
  /** Stop as 'converged' once L ≤ lossTol (default: never). */
  lossTol?: number;
  /** Stop as 'converged' once ‖∇L‖_F ≤ gradTol (default: never). */
  gradTol?: number;
  /** Stop as 'diverged' once L > divergeAbove or is not finite (default 1e12). */
  divergeAbove?: number;
  /** Record λ_max(∇²L) (and λ_min) on the records whose accepted-step count is a multiple of sharpness.every, and on the final one (THEORY §12; default: not recorded). */
  sharpness?: SharpnessRecording;
  /** Called with each trajectory record as it is taken (also those not kept under retain). */
  onRecord?(record: TrajectoryRecord): void;
  /**
   * Keep at most about this many records in the result's trajectory (≥ 2): evenly spaced ones, every
   * stride-th with the stride doubling as the run grows, plus the final one (retainedTrajectory.ts,
   * as TrainOptions.retain); onRecord still sees every record. Default: keep all.
   */
  retain?: number;
  /** Called with (step, loss, t) after every accepted step and at t = 0. */
  onProgress?(step: number, loss: number, t: number): void;
  /** Polled after every trial step (accepted or rejected); true stops the run as 'interrupted'. Default: never. */
  shouldStop?(): boolean;
}

/**
 * Where to continue a flow from: with the weights it stopped at, this is everything that decides the
 * continuation (the FSAL derivative f(y) is recomputed from the weights: the gradient is deterministic,
 * so it has the same bits). Plain data, as JSON keeps it.
 */
export interface FlowResume {
  /** Accepted steps so far. */
  step: number;
  t: number;
  /** The step size to try next (before clipping to a record time or tEnd). */
  h: number;
  /** The controller's growth cap for the next step: 1 right after a rejection, else 10. */
  facMax: number;
  rejectedSteps: number;
  gradientEvaluations: number;
  /** With recordDt: the index k of the next record time k·dt. */
  nextRecord: number;
  trajectory: TrajectoryRecord[];
  c0: Mat[];
  /** The state of the records' retention (FlowResult.recording; default: every record kept, as in trajectory). */
  recording?: { stride: number; produced: number; last: number };
  /** The sharpness tracker's warm-start state, with options.sharpness. */
  sharpness?: SharpnessState;
}

/** 'end-time': t reached tEnd; 'diverged' also covers a step size that underflowed (a failed integration). */
export type FlowStatus = TrainStatus | 'end-time';

/** A TrainResult whose steps are accepted Runge–Kutta steps, plus the time reached and the work done. */
export interface FlowResult extends Omit<TrainResult, 'status'> {
  status: FlowStatus;
  t: number;
  rejectedSteps: number;
  gradientEvaluations: number;
  /** The state to continue from (gradientFlow's resume argument), e.g. after 'interrupted'. */
  resume: FlowResume;
}

function views(flat: Float64Array, shapes: readonly Mat[]): Mat[] {
  let off = 0;
  return shapes.map((w) => {
    const m = { rows: w.rows, cols: w.cols, data: flat.subarray(off, off + w.rows * w.cols) };
    off += w.rows * w.cols;
    return m;
  });
}

function assertResumeFits(r: FlowResume, dims: readonly number[]): void {
  const counts: [string, number][] = [['step', r.step], ['rejectedSteps', r.rejectedSteps], ['gradientEvaluations', r.gradientEvaluations], ['nextRecord', r.nextRecord]];
  for (const [name, v] of counts) if (!Number.isInteger(v) || v < 0) throw new RangeError(`gradientFlow: resume.${name} must be an integer ≥ 0, got ${v}`);
  if (!(Number.isFinite(r.t) && r.t >= 0)) throw new RangeError(`gradientFlow: resume.t must be a finite number ≥ 0, got ${r.t}`);
  if (!(r.h >= 0 && Number.isFinite(r.h)) || !(r.facMax > 0)) throw new RangeError(`gradientFlow: resume.h and resume.facMax must be finite and > 0, got ${r.h}, ${r.facMax}`);
  assertInvariantsMatch(r.c0, dims, 'gradientFlow: resume.c0');
}

/**
 * Gradient flow dW_j/dt = −∇_{W_j}L(W) (THEORY §1.6) by Dormand–Prince 5(4) with adaptive steps,
 * from the weights passed in (updated in place). Along the exact flow every C_j is constant (§3.1);
 * the integrator keeps them to about the tolerances. The step loop allocates nothing.
 * Continuing with `resume` (a result's `resume`, with the weights it returned) reproduces an
 * uninterrupted run bit for bit: weights, trajectory and counts.
 */
export function gradientFlow(stats: Stats, weights: Mat[], options: FlowOptions, resume?: FlowResume): FlowResult {
  const dims = assertFitsData(weights, stats.dx, stats.dy);
  const { rtol = FLOW_DEFAULTS.rtol, atol = FLOW_DEFAULTS.atol, maxSteps = FLOW_DEFAULTS.maxSteps } = options;
  const recordEvery = options.recordEvery ?? TRAIN_DEFAULTS.recordEvery, dt = options.recordDt, tEnd = options.tEnd;
  const divergeAbove = options.divergeAbove ?? TRAIN_DEFAULTS.divergeAbove, lossTol = options.lossTol ?? -Infinity, gradTol = options.gradTol ?? -Infinity;
  if (!(Number.isFinite(tEnd) && tEnd >= 0)) throw new RangeError(`gradientFlow: tEnd must be a finite number ≥ 0, got ${tEnd}`);
  if (!(rtol > 0 && atol > 0)) throw new RangeError(`gradientFlow: rtol and atol must be > 0, got ${rtol}, ${atol}`);
  if (!Number.isInteger(maxSteps) || maxSteps < 0) throw new RangeError(`gradientFlow: maxSteps must be an integer ≥ 0, got ${maxSteps}`);
  if (!Number.isInteger(recordEvery) || recordEvery < 1) throw new RangeError(`gradientFlow: recordEvery must be an integer ≥ 1, got ${recordEvery}`);
  if (dt !== undefined && !(dt > 0 && Number.isFinite(dt))) throw new RangeError(`gradientFlow: recordDt must be > 0, got ${dt}`);
  if (options.h0 !== undefined && !(options.h0 > 0)) throw new RangeError(`gradientFlow: h0 must be > 0, got ${options.h0}`);
  if (resume) assertResumeFits(resume, dims);

  const n = weights.reduce((s, w) => s + w.data.length, 0);
  const y = new Float64Array(n), wFlat = new Float64Array(n), gFlat = new Float64Array(n);
  const yW = views(y, weights), wViews = views(wFlat, weights), gViews = views(gFlat, weights);
  yW.forEach((v, j) => v.data.set(weights[j].data));
  const gws = createGradWorkspace(dims), rk = createDopri5Workspace(n);
  let evaluations = 0;
  const f = (yv: Float64Array, out: Float64Array): number => {
    evaluations++;
    wFlat.set(yv);
    const loss = lossAndGrad(wViews, stats, gViews, gws);
    for (let i = 0; i < n; i++) out[i] = -gFlat[i];
    return loss;
  };
  const c0 = resume ? resume.c0 : initialInvariants(weights);
  const recorder = createRecorder(dims, c0);
  const sharp = createSharpnessRecorder(dims, options.sharpness, resume?.sharpness);
  const trajectory: TrajectoryRecord[] = resume ? resume.trajectory.slice() : [];
  let t = resume ? resume.t : 0, steps = resume ? resume.step : 0, rejected = resume ? resume.rejectedSteps : 0;
  let nextRecord = resume ? resume.nextRecord : 1;
  let lastRecorded = trajectory.length > 0 ? trajectory[trajectory.length - 1].step : -1;
  const retention = createRetention(options.retain ?? Infinity, resume?.recording ?? { stride: 1, produced: trajectory.length, last: lastRecorded });
  if (resume?.recording !== undefined) lastRecorded = resume.recording.last;
  // The record taken last in this call: the final state is kept even where the stride skips it.
  let lastRecord: TrajectoryRecord | null = null;
  let loss = f(y, rk.k[0]);
  // The uninterrupted run had this derivative from its last step's FSAL stage: not a new evaluation.
  if (resume) evaluations = resume.gradientEvaluations;
  const gradNorm = (): number => { let s = 0; for (let i = 0; i < n; i++) s += rk.k[0][i] * rk.k[0][i]; return Math.sqrt(s); };
  const record = (final = false): void => {
    if (lastRecorded === steps) {
      if (final && lastRecord !== null && trajectory[trajectory.length - 1] !== lastRecord) trajectory.push(lastRecord);
      return;
    }
    const r = recorder.record(steps, loss, gradNorm(), yW, t);
    recordSharpness(sharp, r, yW, stats);
    retainRecord(trajectory, retention, r, final);
    if (final && trajectory[trajectory.length - 1] !== r) trajectory.push(r);
    lastRecorded = steps;
    lastRecord = r;
    options.onRecord?.(r);
  };
  let h = resume ? resume.h : options.h0 ?? (Number.isFinite(loss) ? initialStepSize(f, y, rk, rtol, atol) : 0);
  let facMax = resume ? resume.facMax : 10, status: FlowStatus;
  if (!resume) record();
  options.onProgress?.(steps, loss, t);
  for (;;) {
    const gn = gradNorm();
    if (!Number.isFinite(loss) || loss > divergeAbove || !Number.isFinite(gn)) { status = 'diverged'; break; }
    if (loss <= lossTol || gn <= gradTol) { status = 'converged'; break; }
    if (t >= tEnd) { status = 'end-time'; break; }
    if (steps >= maxSteps) { status = 'max-steps'; break; }
    if (steps > 0 && options.shouldStop?.()) { status = 'interrupted'; break; }
    // Land exactly on tEnd and on the requested record times.
    const target = dt !== undefined ? Math.min(tEnd, nextRecord * dt) : tEnd;
    let hTry = h, tNew = t + h;
    const clipped = tNew >= target || target - tNew < 1e-12 * target;
    if (clipped) { hTry = target - t; tNew = target; }
    if (!(hTry > 4 * Number.EPSILON * Math.max(Math.abs(t), 1e-300))) { status = 'diverged'; break; }
    const err = dopri5Step(f, y, hTry, rk, rtol, atol);
    if (err <= 1) {
      y.set(rk.yNew);
      rk.k[0].set(rk.k[6]);
      loss = rk.auxNew;
      t = tNew;
      steps++;
      const onGrid = dt !== undefined ? t === nextRecord * dt || t === tEnd : steps % recordEvery === 0;
      if (dt !== undefined && t === nextRecord * dt) nextRecord++;
      if (onGrid && Number.isFinite(loss)) record();
      options.onProgress?.(steps, loss, t);
      // A step shortened to hit a target says nothing against the longer step proposed before it.
      h = clipped ? Math.max(h, nextStepSize(hTry, err, facMax)) : nextStepSize(hTry, err, facMax);
      facMax = 10;
    } else {
      rejected++;
      h = nextStepSize(hTry, err, 1);
      facMax = 1;
    }
  }
  // An interrupted run leaves its last state unrecorded, so that a resumed run records exactly the
  // steps an uninterrupted one would.
  if (status !== 'interrupted') {
    record(true);
    recordSharpness(sharp, trajectory[trajectory.length - 1], yW, stats, true);
  }
  const recording = { stride: retention.stride, produced: retention.produced, last: retention.last };
  weights.forEach((w, j) => w.data.set(yW[j].data));
  const result: FlowResult = {
    status, steps, loss, gradNorm: gradNorm(), balancedness: Number.NaN, weights, trajectory, c0, t,
    rejectedSteps: rejected, gradientEvaluations: evaluations, recording,
    resume: {
      step: steps, t, h, facMax, rejectedSteps: rejected, gradientEvaluations: evaluations, nextRecord, trajectory, c0, recording,
      ...(sharp !== null ? { sharpness: sharp.tracker.state() } : {}),
    },
    ...(sharp !== null ? { sharpnessState: sharp.tracker.state() } : {}),
  };
  lazyBalancedness(result, weights, Number.isFinite(loss));
  return result;
}
