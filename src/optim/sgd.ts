import { type Mat, zeros, isFiniteMat } from '../linalg/mat.ts';
import type { Rng } from '../linalg/rng.ts';
import type { Dataset } from '../model/stats.ts';
import { createDataWorkspace, lossAndGradData, type DataWorkspace } from '../model/lossAndGrad.ts';
import { initialInvariants, balancedness } from '../model/invariants.ts';
import { stepSize } from './schedules.ts';
import { gdStep, tupleNorm } from './gd.ts';
import { type TrainOptions, type TrainResult, type TrainStatus, normalizeTrainOptions } from './train.ts';
import { assertFitsData } from '../model/network.ts';
import { type TrajectoryRecord, createRecorder } from './trajectory.ts';

/** TrainOptions plus the minibatch size; maxSteps counts minibatch steps (an epoch is ⌈m/batchSize⌉ steps). */
export interface SgdOptions extends TrainOptions {
  /** Samples per minibatch, 1 ≤ batchSize ≤ m (default m: full-batch GD on the raw data). */
  batchSize?: number;
}

interface Batch { data: { x: Mat; y: Mat }; ws: DataWorkspace }

function makeBatch(dims: readonly number[], size: number): Batch {
  return { data: { x: zeros(dims[0], size), y: zeros(dims[dims.length - 1], size) }, ws: createDataWorkspace(dims, size) };
}

/** Copies the columns order[from..from+size) of src into dst (d×size). */
function gatherColumns(dst: Mat, src: Mat, order: Uint32Array, from: number): void {
  const m = src.cols, b = dst.cols;
  for (let i = 0; i < dst.rows; i++) {
    for (let c = 0; c < b; c++) dst.data[i * b + c] = src.data[i * m + order[from + c]];
  }
}

/**
 * Minibatch SGD on raw data: each epoch draws a uniform permutation of the m samples from rng
 * (Fisher–Yates) and walks it in batches of batchSize (the last one smaller when batchSize ∤ m);
 * step k moves W ← W − η_k·(m/|B|)·∇L_B(W), where L_B = ½‖PX_B − Y_B‖_F², so that the step is an
 * unbiased estimate of a GD step on the full loss. The weights passed in are updated in place.
 * Divergence is checked on every minibatch loss; lossTol/gradTol and records use the full-data loss,
 * evaluated every recordEvery steps only; onProgress receives the minibatch loss. Same rng seed ⇒ identical bits; the step loop allocates nothing.
 */
export function trainSGD(data: Dataset, weights: Mat[], options: SgdOptions, rng: Rng): TrainResult {
  const opt = normalizeTrainOptions(options);
  const m = data.x.cols;
  if (data.y.cols !== m) throw new RangeError(`trainSGD: X has ${m} samples but Y has ${data.y.cols}`);
  const dims = assertFitsData(weights, data.x.rows, data.y.rows);
  const size = options.batchSize ?? m;
  if (!Number.isInteger(size) || size < 1 || size > m) throw new RangeError(`trainSGD: batchSize must be an integer in [1, ${m}], got ${options.batchSize}`);
  const full = makeBatch(dims, size), rest = m % size === 0 ? full : makeBatch(dims, m % size);
  const fullWs = createDataWorkspace(dims, m);
  const grads = weights.map((w) => zeros(w.rows, w.cols));
  const order = new Uint32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  const c0 = initialInvariants(weights);
  const recorder = createRecorder(dims, c0);
  const trajectory: TrajectoryRecord[] = [];
  let step = 0, pos = m, interrupted = false, status: TrainStatus;
  let loss = Number.NaN, gradNorm = Number.NaN, lastRecorded = -1;
  const evaluateFull = (): void => {
    loss = lossAndGradData(weights, data, grads, fullWs);
    gradNorm = tupleNorm(grads);
  };
  const record = (): void => {
    if (lastRecorded === step) return;
    const r = recorder.record(step, loss, gradNorm, weights);
    trajectory.push(r);
    lastRecorded = step;
    options.onRecord?.(r);
  };
  for (;;) {
    if (step % opt.recordEvery === 0) {
      evaluateFull();
      if (!Number.isFinite(loss) || loss > opt.divergeAbove || !Number.isFinite(gradNorm)) { status = 'diverged'; break; }
      record();
      if (loss <= opt.lossTol || gradNorm <= opt.gradTol) { status = 'converged'; break; }
    }
    if (step >= opt.maxSteps) { status = 'max-steps'; break; }
    if (interrupted) { status = 'interrupted'; break; }
    if (pos >= m) {
      for (let i = m - 1; i > 0; i--) { const j = rng.int(i + 1), t = order[i]; order[i] = order[j]; order[j] = t; }
      pos = 0;
    }
    const batch = m - pos >= size ? full : rest;
    const b = batch.data.x.cols;
    gatherColumns(batch.data.x, data.x, order, pos);
    gatherColumns(batch.data.y, data.y, order, pos);
    pos += b;
    const batchLoss = lossAndGradData(weights, batch.data, grads, batch.ws);
    options.onProgress?.(step, batchLoss);
    if (!Number.isFinite(batchLoss) || batchLoss > opt.divergeAbove) { status = 'diverged'; break; }
    gdStep(weights, grads, stepSize(options.schedule, step) * (m / b));
    step++;
    if (options.shouldStop?.()) interrupted = true;
  }
  if (lastRecorded !== step || status === 'diverged') evaluateFull();
  record();
  const bal = weights.every(isFiniteMat) ? balancedness(weights) : Number.NaN;
  return { status, steps: step, loss, gradNorm, balancedness: bal, weights, trajectory, c0 };
}
