import { type Mat, zeros, matmul, singularValues } from '../../linalg/index.ts';
import { type Dataset, type Stats, createGradWorkspace, lossAndGrad, product } from '../../model/index.ts';
import { gdStep, tupleNorm } from '../../optim/index.ts';

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

/** A GD run with the training loss at every step and the product's measures at the checkpoints. */
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
 * Gradient descent at constant step η from `weights` (updated in place) for maxSteps steps,
 * keeping L and ‖∇L‖ of every iterate and, at each checkpoint, P's singular values and measure(P).
 */
export function trackGD(stats: Stats, weights: Mat[], eta: number, maxSteps: number, measure: (p: Mat) => Record<string, number>, at: readonly number[] = checkpoints125(maxSteps)): TrackedRun {
  const dims = [weights[0].cols, ...weights.map((w) => w.rows)];
  const ws = createGradWorkspace(dims), grads = weights.map((w) => zeros(w.rows, w.cols));
  const p = zeros(dims[dims.length - 1], dims[0]);
  const losses = new Float64Array(maxSteps + 1), gradNorms = new Float64Array(maxSteps + 1), points: TrackPoint[] = [];
  const wanted = new Set(at);
  let status: TrackedRun['status'] = 'max-steps', k = 0;
  for (;; k++) {
    const loss = lossAndGrad(weights, stats, grads, ws);
    losses[k] = loss;
    gradNorms[k] = tupleNorm(grads);
    if (!Number.isFinite(loss) || loss > 1e12) { status = 'diverged'; break; }
    if (wanted.has(k) || k === maxSteps) {
      product(p, weights, ws);
      points.push({ step: k, loss, singular: singularValues(p), measures: measure(p) });
    }
    if (k >= maxSteps) break;
    gdStep(weights, grads, eta);
  }
  return { losses: losses.subarray(0, k + 1), gradNorms: gradNorms.subarray(0, k + 1), points, steps: k, status, product: product(p, weights, ws) };
}

/** ½‖Y − PX‖_F² on a data set (a held-out one: statistics of the training set do not apply). */
export function datasetLoss(p: Mat, data: Dataset): number {
  const fit = matmul(zeros(data.y.rows, data.y.cols), p, data.x);
  let s = 0;
  for (let i = 0; i < fit.data.length; i++) { const e = fit.data[i] - data.y.data[i]; s += e * e; }
  return 0.5 * s;
}
