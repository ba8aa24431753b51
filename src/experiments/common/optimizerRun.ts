import { type Mat, zeros } from '../../linalg/mat.ts';
import type { Stats } from '../../model/stats.ts';
import { dimsOf } from '../../model/network.ts';
import { createGradWorkspace, lossAndGrad } from '../../model/lossAndGrad.ts';
import { type Optimizer, gd, tupleNorm } from '../../optim/gd.ts';
import type { Schedule } from '../../optim/schedules.ts';

/** Stop rules of runOptimizer; every optional field states its default. */
export interface RunOptions {
  /** Most updates; losses then hold maxSteps + 1 values. */
  maxSteps: number;
  /** Stop as 'stopped' as soon as L < stopBelow (an escape threshold). Default: never. */
  stopBelow?: number;
  /** Stop as 'diverged' once L > divergeAbove or L is not finite. Default 1e12 (THEORY §7). */
  divergeAbove?: number;
  /** Also keep ‖∇L‖_F of every iterate. Default false. */
  gradNorms?: boolean;
  /** Called with every finite iterate k (before its update) and its loss; it must not change the weights. Default none. */
  observe?(k: number, loss: number, weights: readonly Mat[]): void;
}

/** A run with the loss of every iterate: losses[k] = L(W(k)), k = 0..steps. */
export interface OptimizerRun {
  losses: Float64Array;
  gradNorms: Float64Array | null;
  /** Updates taken. */
  steps: number;
  status: 'max-steps' | 'stopped' | 'diverged';
}

/**
 * Runs an optimizer (GD, Adam, …) on L from sufficient statistics, updating weights in place and
 * keeping L (and optionally ‖∇L‖) of every iterate: the full-resolution curves of THEORY §8.
 */
export function runOptimizer<S>(stats: Stats, weights: Mat[], optimizer: Optimizer<S>, options: RunOptions): OptimizerRun {
  const dims = dimsOf(weights);
  const ws = createGradWorkspace(dims), grads = weights.map((w) => zeros(w.rows, w.cols));
  const state = optimizer.init(weights);
  const divergeAbove = options.divergeAbove ?? 1e12, stopBelow = options.stopBelow ?? -Infinity;
  const losses = new Float64Array(options.maxSteps + 1);
  const gradNorms = options.gradNorms ? new Float64Array(options.maxSteps + 1) : null;
  let status: OptimizerRun['status'] = 'max-steps', k = 0;
  for (;; k++) {
    const loss = lossAndGrad(weights, stats, grads, ws);
    losses[k] = loss;
    if (gradNorms) gradNorms[k] = tupleNorm(grads);
    if (!Number.isFinite(loss) || loss > divergeAbove) { status = 'diverged'; break; }
    options.observe?.(k, loss, weights);
    if (loss < stopBelow) { status = 'stopped'; break; }
    if (k >= options.maxSteps) break;
    optimizer.update(weights, grads, state);
  }
  return { losses: losses.subarray(0, k + 1), gradNorms: gradNorms ? gradNorms.subarray(0, k + 1) : null, steps: k, status };
}

/** runOptimizer with gradient descent at a constant step or along a schedule. */
export function runGD(stats: Stats, weights: Mat[], step: number | Schedule, options: RunOptions): OptimizerRun {
  return runOptimizer(stats, weights, gd(typeof step === 'number' ? { kind: 'constant', lr: step } : step), options);
}
