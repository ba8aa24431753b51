import { type Mat, zeros, matmul, singularValues } from '../../linalg/index.ts';
import { type Dataset, type Stats, createGradWorkspace, product } from '../../model/index.ts';
import { runGD } from './optimizerRun.ts';

/** What trackGD measures of the end-to-end product P = W_N⋯W_1 at each checkpoint. */
export interface TrackPoint {
  step: number;
  /** Training loss L(W) from the statistics. */
  loss: number;
  /** Singular values of P, descending. */
  singular: Float64Array;
  /** Values of the caller's own measures of P (test loss, error, distance, …). */
  measures: Record<string, number>;
}

/** A GD run with L and ‖∇L‖ at every step and the product's measures at the checkpoints. */
export interface TrackedRun {
  losses: Float64Array;
  /** ‖∇L‖_F of every iterate. */
  gradNorms: Float64Array;
  points: TrackPoint[];
  steps: number;
  status: 'max-steps' | 'diverged';
  product: Mat;
}

/** Checkpoints 0, 1, 2, 5, 10, 20, 50, … up to and including last (log-spaced, 1-2-5). */
export function checkpoints125(last: number): number[] {
  const out = [0];
  for (let p = 1; p <= last; p *= 10) for (const m of [1, 2, 5]) if (m * p <= last) out.push(m * p);
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

/**
 * Gradient descent at constant step η from `weights` (updated in place) for maxSteps steps (runGD),
 * with, at each checkpoint and at the last step, P's singular values and measure(P).
 */
export function trackGD(stats: Stats, weights: Mat[], eta: number, maxSteps: number, measure: (p: Mat) => Record<string, number>, at: readonly number[] = checkpoints125(maxSteps)): TrackedRun {
  const dims = [weights[0].cols, ...weights.map((w) => w.rows)];
  const ws = createGradWorkspace(dims), p = zeros(dims[dims.length - 1], dims[0]);
  const wanted = new Set(at), points: TrackPoint[] = [];
  const run = runGD(stats, weights, eta, {
    maxSteps, gradNorms: true,
    observe(k, loss, w) {
      if (!wanted.has(k) && k !== maxSteps) return;
      product(p, w, ws);
      points.push({ step: k, loss, singular: singularValues(p), measures: measure(p) });
    },
  });
  return {
    losses: run.losses, gradNorms: run.gradNorms!, points, steps: run.steps,
    status: run.status === 'diverged' ? 'diverged' : 'max-steps', product: product(p, weights, ws),
  };
}

/** ½‖Y − PX‖_F² on a data set (a held-out one: statistics of the training set do not apply). */
export function datasetLoss(p: Mat, data: Dataset): number {
  const fit = matmul(zeros(data.y.rows, data.y.cols), p, data.x);
  let s = 0;
  for (let i = 0; i < fit.data.length; i++) { const e = fit.data[i] - data.y.data[i]; s += e * e; }
  return 0.5 * s;
}
