import type { Mat } from '../../linalg/mat.ts';
import type { Stats } from '../../model/stats.ts';
import { type Batch, batchLossAndGrad, laneStats } from './batch.ts';
import { unpackLane } from './laneKernels.ts';
import { type SharpnessRecording, type SharpnessRecorder, createSharpnessRecorder } from '../sharpnessRecording.ts';
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
  /**
   * Record every lane's λ_max(∇²L) (and λ_min) at the steps that are multiples of sharpness.every and
   * at its last step, as trainGD's records would (THEORY §12; default: not recorded). The lanes then
   * run on the lane-loop kernels (same bits), one tracker per lane.
   */
  sharpness?: SharpnessRecording;
}

/** One lane's sharpness records: the steps measured, λ_max at each, and λ_min (NaN unless asked). */
export interface LaneSharpness { steps: number[]; lambdaMax: number[]; lambdaMin: number[] }

/** The code a batched run uses (BatchTrainOptions.kernels). */
export type BatchKernels = 'auto' | 'wasm-simd' | 'js' | 'loops';

/** Per-lane outcome, as trainGD would report it for that network alone. */
export interface BatchTrainResult {
  status: TrainStatus[];
  steps: Int32Array;
  loss: Float64Array;
  gradNorm: Float64Array;
  /** With options.sharpness: each lane's records. */
  sharpness?: LaneSharpness[];
}

/** Where trainBatchRange writes; sharpness (one entry per lane) only with options.sharpness. */
export interface BatchOut { status: Int32Array; steps: Int32Array; loss: Float64Array; gradNorm: Float64Array; sharpness?: LaneSharpness[] }

/** Status codes written into a shared Int32Array by trainBatchRange. */
export const STATUS_CODES: readonly TrainStatus[] = ['max-steps', 'converged', 'diverged', 'interrupted'];

/**
 * Gradient descent on lanes [lo, hi) of a batch, every lane with the stop rules and operation order
 * of trainGD, so each lane ends with the very bits trainGD gives that network alone. Lanes are
 * independent: disjoint ranges may run concurrently on threads sharing the batch's buffers.
 * Writes status codes (index into STATUS_CODES), step counts, final loss and gradient norm.
 */
export function trainBatchRange(batch: Batch, options: BatchTrainOptions, lo: number, hi: number, out: BatchOut): void {
  const fast = options.sharpness === undefined ? lanePrograms(batch.dims, options.kernels) : null;
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

/** Per-lane trackers, statistics and weight buffers of a chunk whose sharpness is recorded. */
interface ChunkSharpness { recorders: SharpnessRecorder[]; stats: Stats[]; weights: Mat[]; every: number; out: LaneSharpness[] }

function chunkSharpness(batch: Batch, s: SharpnessRecording, lo: number, hi: number, out: BatchOut): ChunkSharpness {
  const { dims } = batch;
  const lanes = Array.from({ length: hi - lo }, (_, i) => lo + i);
  if (out.sharpness === undefined) out.sharpness = Array.from({ length: batch.lanes }, () => ({ steps: [], lambdaMax: [], lambdaMin: [] }));
  return {
    recorders: lanes.map(() => createSharpnessRecorder(dims, s) as SharpnessRecorder),
    stats: lanes.map((b) => laneStats(batch, b)),
    weights: dims.slice(1).map((d, j) => ({ rows: d, cols: dims[j], data: new Float64Array(d * dims[j]) })),
    every: s.every, out: out.sharpness,
  };
}

/** Measures lane l (its weights as they are now, at step) into its records. */
function measureLane(batch: Batch, cs: ChunkSharpness, lo: number, l: number, step: number): void {
  for (let j = 0; j < cs.weights.length; j++) unpackLane(cs.weights[j].data, batch.weights[j], batch.lanes, l);
  const r = cs.recorders[l - lo], rec = cs.out[l];
  rec.steps.push(step);
  rec.lambdaMax.push(r.tracker.measure(cs.weights, cs.stats[l - lo]));
  rec.lambdaMin.push(r.tracker.lambdaMin);
}

function trainChunk(batch: Batch, options: BatchTrainOptions, lo: number, hi: number, out: BatchOut): void {
  const B = batch.lanes;
  const cs = options.sharpness !== undefined ? chunkSharpness(batch, options.sharpness, lo, hi, out) : null;
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
      if (cs !== null && (code >= 0 || step % cs.every === 0)) measureLane(batch, cs, lo, l, step);
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
  const out: BatchOut = { status: new Int32Array(B), steps: new Int32Array(B), loss: new Float64Array(B), gradNorm: new Float64Array(B) };
  trainBatchRange(batch, options, 0, B, out);
  const result: BatchTrainResult = { status: Array.from(out.status, (c) => STATUS_CODES[c]), steps: out.steps, loss: out.loss, gradNorm: out.gradNorm };
  if (out.sharpness !== undefined) result.sharpness = out.sharpness;
  return result;
}

/** One schedule per lane, validated. */
export function laneSchedules(s: Schedule | readonly Schedule[], lanes: number): readonly Schedule[] {
  const list = Array.isArray(s) ? s as readonly Schedule[] : Array.from({ length: lanes }, () => s as Schedule);
  if (list.length !== lanes) throw new RangeError(`trainBatched: ${list.length} schedules for ${lanes} lanes`);
  list.forEach(validateSchedule);
  return list;
}
