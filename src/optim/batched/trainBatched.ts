import { type Batch, batchLossAndGrad } from './batch.ts';
import { type Schedule, stepSize, validateSchedule } from '../schedules.ts';
import type { TrainStatus } from '../train.ts';
import { type CompiledLanes, type LaneRules, compileLaneProgram, encodeSchedules } from './laneProgram.ts';

/** Options of a batched run: the stop rules of trainGD, with a schedule per lane. */
export interface BatchTrainOptions {
  /** Step sizes of each lane (length = lanes), or one schedule for all lanes. */
  schedules: Schedule | readonly Schedule[];
  /** Steps per lane (default as trainGD: required). */
  maxSteps: number;
  /** Stop a lane as 'converged' once L ≤ lossTol (default: never). */
  lossTol?: number;
  /** Stop a lane as 'converged' once ‖∇L‖_F ≤ gradTol (default: never). */
  gradTol?: number;
  /** Stop a lane as 'diverged' once L > divergeAbove or L is not finite (default 1e12). */
  divergeAbove?: number;
  /**
   * Which code steps the lanes (default 'auto': 'wasm-simd' where available, else 'js', for widths
   * within UNROLL_LIMIT; 'loops' beyond): generated WebAssembly SIMD, generated JavaScript, or the
   * lane-loop kernels of batch.ts. Every choice gives the same bits.
   */
  kernels?: BatchKernels;
}

/** The code a batched run uses (BatchTrainOptions.kernels). */
export type BatchKernels = 'auto' | 'wasm-simd' | 'js' | 'loops';

/** Per-lane outcome, as trainGD would report it for that network alone. */
export interface BatchTrainResult {
  status: TrainStatus[];
  steps: Int32Array;
  loss: Float64Array;
  gradNorm: Float64Array;
}

/** Status codes written into a shared Int32Array by trainBatchRange. */
export const STATUS_CODES: readonly TrainStatus[] = ['max-steps', 'converged', 'diverged', 'interrupted'];

/**
 * Gradient descent on lanes [lo, hi) of a batch, every lane with the stop rules and operation order
 * of trainGD, so each lane ends with the very bits trainGD gives that network alone. Lanes are
 * independent: disjoint ranges may run concurrently on threads sharing the batch's buffers.
 * Writes status codes (index into STATUS_CODES), step counts, final loss and gradient norm.
 */
export function trainBatchRange(batch: Batch, options: BatchTrainOptions, lo: number, hi: number,
  out: { status: Int32Array; steps: Int32Array; loss: Float64Array; gradNorm: Float64Array }): void {
  const fast = lanePrograms(batch.dims, options.kernels);
  if (fast !== null) {
    const schedules = encodeSchedules(laneSchedules(options.schedules, batch.lanes));
    fast.program(batch.weights, batch.sxx, batch.ols, batch.lossOLS, batch.lanes, lo, hi, schedules, laneRules(options),
      out.status, out.steps, out.loss, out.gradNorm);
    return;
  }
  // Lanes are independent, so a chunk of lanes runs all its steps while its data stays in cache.
  for (let c = lo; c < hi; c += LANE_CHUNK) trainChunk(batch, options, c, Math.min(hi, c + LANE_CHUNK), out);
}

/** Lanes trained together by one pass of the step loop (fits the data of a chunk in L2 cache). */
export const LANE_CHUNK = 64;

function trainChunk(batch: Batch, options: BatchTrainOptions, lo: number, hi: number,
  out: { status: Int32Array; steps: Int32Array; loss: Float64Array; gradNorm: Float64Array }): void {
  const B = batch.lanes;
  const schedules = laneSchedules(options.schedules, B);
  const divergeAbove = options.divergeAbove ?? 1e12, lossTol = options.lossTol ?? -Infinity, gradTol = options.gradTol ?? -Infinity;
  const active = new Uint8Array(B), eta = new Float64Array(B);
  for (let l = lo; l < hi; l++) active[l] = 1;
  let remaining = hi - lo;
  for (let step = 0; remaining > 0; step++) {
    batchLossAndGrad(batch, lo, hi);
    for (let l = lo; l < hi; l++) {
      if (!active[l]) continue;
      const loss = batch.loss[l], gn = Math.sqrt(batch.gradSq[l]);
      let code = -1;
      if (!Number.isFinite(loss) || loss > divergeAbove || !Number.isFinite(gn)) code = 2;
      else if (loss <= lossTol || gn <= gradTol) code = 1;
      else if (step >= options.maxSteps) code = 0;
      if (code >= 0) {
        active[l] = 0; remaining--;
        out.status[l] = code; out.steps[l] = step; out.loss[l] = loss; out.gradNorm[l] = gn;
      }
    }
    if (remaining === 0) break;
    for (let l = lo; l < hi; l++) if (active[l]) eta[l] = stepSize(schedules[l], step);
    for (let j = 0; j < batch.weights.length; j++) {
      const w = batch.weights[j], g = batch.grads[j];
      for (let i = 0; i < w.length / B; i++) {
        const o = i * B;
        for (let l = lo; l < hi; l++) if (active[l]) w[o + l] -= eta[l] * g[o + l];
      }
    }
  }
}

/** The generated lane program that options.kernels asks for, or null for the lane-loop kernels; throws when the named one is unavailable. */
export function lanePrograms(dims: readonly number[], kernels: BatchKernels = 'auto'): CompiledLanes | null {
  if (kernels === 'loops') return null;
  const p = compileLaneProgram(dims, kernels);
  if (p === null && kernels !== 'auto') throw new Error(`trainBatched: kernels '${kernels}' unavailable for widths [${dims.join(',')}] (too wide to unroll, or generated code is forbidden here)`);
  return p;
}

/** The stop rules of options with their defaults (those of trainGD). */
export function laneRules(options: BatchTrainOptions): LaneRules {
  return {
    maxSteps: options.maxSteps, lossTol: options.lossTol ?? -Infinity,
    gradTol: options.gradTol ?? -Infinity, divergeAbove: options.divergeAbove ?? 1e12,
  };
}

/** Trains every lane of a batch on this thread. */
export function trainBatched(batch: Batch, options: BatchTrainOptions): BatchTrainResult {
  const B = batch.lanes;
  const out = { status: new Int32Array(B), steps: new Int32Array(B), loss: new Float64Array(B), gradNorm: new Float64Array(B) };
  trainBatchRange(batch, options, 0, B, out);
  return { status: Array.from(out.status, (c) => STATUS_CODES[c]), steps: out.steps, loss: out.loss, gradNorm: out.gradNorm };
}

/** One schedule per lane, validated. */
export function laneSchedules(s: Schedule | readonly Schedule[], lanes: number): readonly Schedule[] {
  const list = Array.isArray(s) ? s as readonly Schedule[] : Array.from({ length: lanes }, () => s as Schedule);
  if (list.length !== lanes) throw new RangeError(`trainBatched: ${list.length} schedules for ${lanes} lanes`);
  list.forEach(validateSchedule);
  return list;
}
