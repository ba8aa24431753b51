import type { Mat } from '../../linalg/index.ts';
import type { Stats } from '../../model/index.ts';
import { type TrainStatus, createBatch, laneWeights, setLane, trainBatched } from '../../optim/index.ts';

/** One network of a segmented batched run. */
export interface SegmentLane { weights: readonly Mat[]; stats: Stats; lr: number }

/** The stop rules of a run (those of `dln train`). */
export interface SegmentRules { steps: number; divergeAbove: number; lossTol?: number; gradTol?: number }

/** What a lane did: trainGD's outcome, its loss and gradient norm at the recorded steps, its final weights. */
export interface SegmentOutcome {
  stop: Exclude<TrainStatus, 'interrupted'>;
  steps: number;
  loss: number;
  gradNorm: number;
  /** Recorded steps (ascending, after step 0), with L and ‖∇L‖ there. */
  sampleSteps: number[];
  sampleLoss: number[];
  sampleGrad: number[];
  weights: Mat[];
}

/**
 * Steps of the next segment from step t (THEORY §15.3): one at a time for the first 32 steps and the
 * last `window`, then 2, 4, …, 64 as t doubles, so a run of K steps records O(log K + K/64) points.
 */
export function segmentLength(t: number, steps: number, window: number): number {
  if (t >= steps) return 0;
  const tail = steps - window;
  if (t >= tail || t < 32) return 1;
  const len = Math.min(64, 2 ** Math.floor(Math.log2(t / 16)));
  return Math.max(1, Math.min(len, tail - t));
}

/**
 * Gradient descent with constant steps on every lane as lanes of one batch, run in segments so that
 * the loss is recorded along the way (segmentLength). Each segment continues from the weights the
 * last one left, so every lane ends with the very bits trainGD gives that network alone.
 */
export function segmentedRun(dims: readonly number[], lanes: readonly SegmentLane[], rules: SegmentRules, window: number,
  shouldStop?: () => boolean): SegmentOutcome[] {
  const out: SegmentOutcome[] = lanes.map((l) => ({
    stop: 'max-steps', steps: 0, loss: Number.NaN, gradNorm: Number.NaN, sampleSteps: [], sampleLoss: [], sampleGrad: [], weights: l.weights.map((w) => ({ ...w, data: w.data.slice() })),
  }));
  let active = lanes.map((_, i) => i);
  let batch = createBatch(dims, Math.max(1, active.length));
  active.forEach((i, b) => setLane(batch, b, lanes[i].weights, lanes[i].stats));
  let t = 0;
  while (active.length > 0) {
    if (shouldStop?.()) throw new Error('interrupted');
    const seg = segmentLength(t, rules.steps, window);
    const res = trainBatched(batch, {
      schedules: active.map((i) => ({ kind: 'constant' as const, lr: lanes[i].lr })), maxSteps: seg,
      divergeAbove: rules.divergeAbove, lossTol: rules.lossTol, gradTol: rules.gradTol,
    });
    const still: number[] = [];
    active.forEach((i, b) => {
      const o = out[i], status = res.status[b];
      o.steps = t + res.steps[b]; o.loss = res.loss[b]; o.gradNorm = res.gradNorm[b];
      if (o.steps > 0) { o.sampleSteps.push(o.steps); o.sampleLoss.push(o.loss); o.sampleGrad.push(o.gradNorm); }
      if (status === 'max-steps' && t + seg < rules.steps) { still.push(b); return; }
      o.stop = status === 'interrupted' ? 'max-steps' : status;
      o.weights = laneWeights(batch, b);
    });
    t += seg;
    if (still.length < active.length && still.length > 0) {
      const next = createBatch(dims, still.length);
      still.forEach((b, nb) => setLane(next, nb, laneWeights(batch, b), lanes[active[b]].stats));
      batch = next;
    }
    active = still.map((b) => active[b]);
  }
  return out;
}
