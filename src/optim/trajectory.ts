import { type Mat, zeros, isFiniteMat } from '../linalg/mat.ts';
import { singularValues } from '../linalg/svd.ts';
import { type GradWorkspace, createGradWorkspace, product } from '../model/lossAndGrad.ts';
import { type BalanceWorkspace, createBalanceWorkspace, balanceMeasures } from '../model/invariants.ts';

/** One sample of a training run, taken every recordEvery steps and at the end. */
export interface TrajectoryRecord {
  /** Iteration (GD/SGD step or accepted Runge–Kutta step). */
  step: number;
  /** Time along the gradient flow (flow only). */
  t?: number;
  loss: number;
  /** √(Σ_j ‖∇_{W_j}L‖_F²). */
  gradNorm: number;
  /** max_j ‖C_j‖₂ (THEORY §3.3). */
  balancedness: number;
  /** max_j ‖C_j − C_j(0)‖₂ (THEORY §3.4). */
  drift: number;
  /** Singular values of the product P = W_N⋯W_1, descending (min(d_0, d_N) of them). */
  singularValues: number[];
}

/** Takes trajectory records for one network shape; owns its buffers so that recording never disturbs a step. */
export interface Recorder {
  record(step: number, loss: number, gradNorm: number, weights: readonly Mat[], t?: number): TrajectoryRecord;
}

interface RecorderState extends Recorder {
  readonly gws: GradWorkspace;
  readonly bws: BalanceWorkspace;
  readonly p: Mat;
  readonly c0: readonly Mat[];
}

// One function object shared by every recorder (it reads its buffers from `this`), so that a training
// loop calling record() sees the same call target in every run and V8 keeps the loop optimised.
function record(this: RecorderState, step: number, loss: number, gradNorm: number, weights: readonly Mat[], t?: number): TrajectoryRecord {
  const p = this.p;
  product(p, weights, this.gws);
  // SVD and eigensolvers must never see NaN/Inf: a diverged state is recorded with NaN measures.
  const finite = isFiniteMat(p) && weights.every(isFiniteMat);
  const sv = finite ? Array.from(singularValues(p)) : new Array<number>(Math.min(p.rows, p.cols)).fill(Number.NaN);
  let balancedness = Number.NaN, drift = Number.NaN;
  if (finite) ({ balancedness, drift } = balanceMeasures(weights, this.c0, this.bws));
  const rec: TrajectoryRecord = { step, loss, gradNorm, balancedness, drift, singularValues: sv };
  if (t !== undefined) rec.t = t;
  return rec;
}

/** A recorder for networks of widths dims whose invariants started at c0. */
export function createRecorder(dims: readonly number[], c0: readonly Mat[]): Recorder {
  const state: RecorderState = {
    gws: createGradWorkspace(dims), bws: createBalanceWorkspace(dims), p: zeros(dims[dims.length - 1], dims[0]), c0, record,
  };
  return state;
}

/** The header line (no newline) of trajectory.csv for r singular values, with a t column when hasT (flow). */
export function trajectoryCsvHeader(r: number, hasT: boolean): string {
  const header = ['step', ...(hasT ? ['t'] : []), 'loss', 'grad_norm', 'balancedness', 'drift'];
  for (let i = 1; i <= r; i++) header.push(`sv${i}`);
  return header.join(',');
}

/** One data line (no newline) of trajectory.csv: numbers in shortest round-trip form, NaN where absent. */
export function trajectoryCsvRow(rec: TrajectoryRecord, r: number, hasT: boolean): string {
  const row = [rec.step, ...(hasT ? [rec.t ?? Number.NaN] : []), rec.loss, rec.gradNorm, rec.balancedness, rec.drift];
  for (let i = 0; i < r; i++) row.push(rec.singularValues[i] ?? Number.NaN);
  return row.map(String).join(',');
}

/**
 * CSV text of a trajectory: columns step,loss,grad_norm,balancedness,drift,sv1..svr (plus t after
 * step when the records carry times). Numbers are written in their shortest round-trip form, so a
 * reader recovers every value exactly; non-finite values appear as NaN / Infinity.
 */
export function trajectoryToCsv(records: readonly TrajectoryRecord[]): string {
  const hasT = records.some((r) => r.t !== undefined);
  const r = records.reduce((m, rec) => Math.max(m, rec.singularValues.length), 0);
  return [trajectoryCsvHeader(r, hasT), ...records.map((rec) => trajectoryCsvRow(rec, r, hasT))].join('\n') + '\n';
}
