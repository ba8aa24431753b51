// A playground run that advances in slices: GD and the flow continue from their resume state, so a
// run taken in any number of slices has the bits of one uninterrupted `dln train` run.
import { type Mat, Rng, clone, isFiniteMat, zeros } from '../linalg/index.ts';
import { type LossExplanation, classifyLoss, gradientAtRoundingLevel } from '../landscape/index.ts';
import { type SharpnessTracker, type Stats, createSharpnessTracker, invariants } from '../model/index.ts';
import {
  type FlowResume, type PgdResume, type Recorder, type Schedule, type TrajectoryRecord, type TrainResume, createRecorder, evaluateGradient, gradientEvaluation, gradientFlow, pgd, trainGD,
} from '../optim/index.ts';
import type { PlaygroundConfig } from './config.ts';
import type { Setup } from './setup.ts';

/** Why a run is not going on. */
export type SessionStatus = 'ready' | 'paused' | 'max-steps' | 'converged' | 'diverged' | 'end-time' | 'returned' | 'max-iterations';

/** A run in progress. */
export interface Session {
  readonly cfg: PlaygroundConfig;
  readonly setup: Setup;
  readonly stats: Stats;
  /** The current weights (updated in place). */
  readonly weights: Mat[];
  /** Steps taken (GD steps, accepted flow steps, PGD iterations). */
  step: number;
  /** Flow time. */
  t: number;
  /** The step size now (GD), and the steps at which it was changed while running. */
  eta: number;
  etaChanges: { step: number; eta: number }[];
  trajectory: TrajectoryRecord[];
  resume: TrainResume | FlowResume | null;
  /** Perturbed GD: its generator (continuing the setup's) and where an interrupted run stands. */
  pgdRng: Rng;
  pgdResume: PgdResume | undefined;
  /** Takes PGD's records (made on the first PGD slice). */
  pgdRecorder?: Recorder;
  status: SessionStatus;
  /** Sharpness λ_max(∇²L) samples (step, value). */
  sharpness: { step: number; value: number }[];
  /** Warm-started λ_max tracker along the run (THEORY §12.2). */
  tracker: SharpnessTracker;
}

/** A new run at W(0) of setup (the setup's weights are copied, so reset can start again from the same bits). */
export function createSession(cfg: PlaygroundConfig, setup: Setup): Session {
  return {
    cfg, setup, stats: setup.stats, weights: setup.w0.map(clone), step: 0, t: 0, eta: setup.info.eta, etaChanges: [],
    trajectory: [], resume: null, pgdRng: Rng.fromState(setup.rngState), pgdResume: undefined, status: 'ready', sharpness: [{ step: 0, value: setup.info.lambdaMax0 }],
    tracker: createSharpnessTracker(cfg.dims, { tol: 1e-8, maxIter: 100 }),
  };
}

/** The step sizes of the run from its current η (a change of η while running restarts the schedule's clock at that step only for the constant schedule). */
export function scheduleOf(s: Session): Schedule {
  return s.cfg.optimizer === 'power' ? { kind: 'power', c: s.eta, b: s.cfg.powerB, p: s.cfg.powerP } : { kind: 'constant', lr: s.eta };
}

/** Whether the run can take more steps. */
export function canAdvance(s: Session): boolean {
  return s.status === 'ready' || s.status === 'paused';
}

/**
 * Takes at most `steps` steps, stopping early after `deadline` (performance.now() time, read every
 * `checkEvery` steps); returns the
 * records taken. GD, the flow and perturbed GD continue from their resume state, so the records and
 * weights do not depend on how a run is cut into calls (onRecord sees PGD's losses as they come).
 */
export function advance(s: Session, steps: number, deadline = Infinity, onRecord?: (r: TrajectoryRecord) => void, stop?: () => boolean, checkEvery = 64): TrajectoryRecord[] {
  if (!canAdvance(s) || steps <= 0) return [];
  const before = s.trajectory.length;
  let taken = 0;
  // The clock is read every checkEvery steps (a slow step reads it every time, so that a slice ends near its deadline).
  const shouldStop = (): boolean => ++taken >= steps || (taken % checkEvery === 0 && performance.now() > deadline) || (stop?.() ?? false);
  const common = { maxSteps: s.cfg.steps, recordEvery: s.cfg.recordEvery, shouldStop, onRecord };
  const resume = s.resume === null ? undefined : s.resume;
  if (s.cfg.optimizer === 'gd' || s.cfg.optimizer === 'power') {
    // The resume state carries the recording's counters, so the records so far need not be passed (and copied) again.
    const r = trainGD(s.stats, s.weights, { ...common, schedule: scheduleOf(s) }, resume as TrainResume | undefined);
    s.step = r.steps;
    for (const rec of r.trajectory) s.trajectory.push(rec);
    s.resume = { step: r.steps, trajectory: [], c0: r.c0, recording: r.recording };
    s.status = r.status === 'interrupted' ? 'paused' : r.status;
  } else if (s.cfg.optimizer === 'flow') {
    const r = gradientFlow(s.stats, s.weights, { ...common, tEnd: s.cfg.tEnd }, resume === undefined ? undefined : { ...(resume as FlowResume), trajectory: s.trajectory });
    s.step = r.steps;
    s.t = r.t;
    s.trajectory = r.trajectory;
    s.resume = { ...r.resume, trajectory: [] };
    s.status = r.status === 'interrupted' ? 'paused' : r.status;
  } else {
    runPgd(s, shouldStop, onRecord);
  }
  return s.trajectory.slice(before);
}

function runPgd(s: Session, shouldStop: () => boolean, onRecord?: (r: TrajectoryRecord) => void): void {
  const every = s.cfg.recordEvery;
  // Records as GD's: the gradient norm, balancedness, drift and singular values at the iterate.
  s.pgdRecorder ??= createRecorder(s.cfg.dims, invariants(s.setup.w0));
  const recorder = s.pgdRecorder;
  const push = (r: TrajectoryRecord): void => {
    s.trajectory.push(r);
    onRecord?.(r);
  };
  // The perturbations continue the setup's generator, as `dln pgd` draws them after the data and W(0).
  const r = pgd(s.stats, s.setup.w0, {
    rng: s.pgdRng, epsilon: s.cfg.epsilon, ...s.cfg.pgd, maxIterations: s.cfg.steps, resume: s.pgdResume,
    onProgress(t, loss, at) { if (t % every === 0) push(recorder.record(t, loss, at.gradNorm, at.weights)); },
    shouldStop,
  });
  r.weights.forEach((w, j) => s.weights[j].data.set(w.data));
  s.step = r.iterations;
  s.pgdResume = r.resume;
  if (r.status === 'interrupted') { s.status = 'paused'; return; }
  if (s.trajectory.at(-1)?.step !== r.iterations) push(recorder.record(r.iterations, r.loss, r.gradNorm, r.weights));
  s.status = r.status;
}

/** Sets η from the current step on (GD); recorded so that an export can say the run used several step sizes. */
export function setEta(s: Session, eta: number): void {
  if (eta === s.eta) return;
  s.eta = eta;
  if (s.step > 0) s.etaChanges.push({ step: s.step, eta });
}

/** Samples the sharpness at the current weights (when they are finite), warm-started from the last sample. */
export function sampleSharpness(s: Session): number {
  const ok = s.weights.every((w) => w.data.every(Number.isFinite));
  const value = ok ? s.tracker.measure(s.weights, s.stats) : Number.NaN;
  s.sharpness.push({ step: s.step, value });
  return value;
}

/**
 * Where the current weights' loss sits among the critical values: `dln train`'s classification
 * (landscape/explainLoss.ts) of L and ‖∇L‖ evaluated now; null when it cannot be said (no ladder,
 * non-finite weights).
 */
export function explainNow(s: Session): LossExplanation | null {
  const ladder = s.setup.ladder;
  if (ladder === null || !s.weights.every(isFiniteMat)) return null;
  const grads = s.weights.map((w) => zeros(w.rows, w.cols)), out = new Float64Array(2);
  evaluateGradient(s.weights, s.stats, grads, out, gradientEvaluation(s.cfg.dims));
  if (!Number.isFinite(out[0])) return null;
  return classifyLoss(ladder, out[0], gradientAtRoundingLevel(s.weights, s.stats, out[1]));
}
