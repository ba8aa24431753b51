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
  /** λ_max(∇²L) (THEORY §12.1), on the records a sharpness recording measured. */
  sharpness?: number;
  /** λ_min(∇²L), when the sharpness recording asked for it. */
  lambdaMin?: number;
}

/** Takes trajectory records for one network shape; owns its buffers so that recording never disturbs a step. */
export interface Recorder {
  /** A record of the weights at this step (loss L, ‖∇L‖_F, flow time t when integrating), its balancedness and drift computed here. */
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

/**
 * CSV text of a trajectory: columns step,loss,grad_norm,balancedness,drift,sv1..svr (plus t after
 * step when the records carry times, and sharpness, lambdaMin at the end when some record has
 * them: NaN on records not measured). Numbers are written in their shortest round-trip form, so a
 * reader recovers every value exactly; non-finite values appear as NaN / Infinity.
 */
export function trajectoryToCsv(records: readonly TrajectoryRecord[]): string {
  const hasT = records.some((r) => r.t !== undefined);
  const r = records.reduce((m, rec) => Math.max(m, rec.singularValues.length), 0);
  const header = ['step', ...(hasT ? ['t'] : []), 'loss', 'grad_norm', 'balancedness', 'drift'];
  for (let i = 1; i <= r; i++) header.push(`sv${i}`);
  const hasS = records.some((rec) => rec.sharpness !== undefined), hasMin = records.some((rec) => rec.lambdaMin !== undefined);
  if (hasS) header.push('sharpness');
  if (hasMin) header.push('lambdaMin');
  const lines = [header.join(',')];
  for (const rec of records) {
    const row = [rec.step, ...(hasT ? [rec.t ?? Number.NaN] : []), rec.loss, rec.gradNorm, rec.balancedness, rec.drift];
    for (let i = 0; i < r; i++) row.push(rec.singularValues[i] ?? Number.NaN);
    if (hasS) row.push(rec.sharpness ?? Number.NaN);
    if (hasMin) row.push(rec.lambdaMin ?? Number.NaN);
    lines.push(row.map(String).join(','));
  }
  return lines.join('\n') + '\n';
}
