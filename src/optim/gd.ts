import type { Mat } from '../linalg/mat.ts';
import { type Schedule, stepSize, validateSchedule } from './schedules.ts';

/**
 * An optimizer as a pair of functions over plain-data state (optax style). update writes the new
 * weights in place from gradients taken at the current weights and advances the state in place, so
 * that a training loop allocates nothing; it returns the step size it used.
 */
export interface Optimizer<S> {
  readonly name: string;
  /** The state before the first step, for weights of this shape. */
  init(weights: readonly Mat[]): S;
  /** Updates weights in place from their gradients (∇_{W_j} of the ½-loss) and the state; returns the step size used. */
  update(weights: Mat[], grads: readonly Mat[], state: S): number;
}

/** State of gradient descent: the number of steps taken (η_k depends on it). */
export interface GdState { step: number }

/**
 * One gradient-descent step W_j ← W_j − η·G_j for every layer simultaneously (THEORY §1.6);
 * allocates nothing. grads[j] must have the shape of weights[j] and not alias it.
 */
export function gdStep(weights: Mat[], grads: readonly Mat[], eta: number): void {
  for (let j = 0; j < weights.length; j++) {
    const w = weights[j].data, g = grads[j].data, n = w.length;
    // Four entries per iteration (the same operation on each entry, so the same bits): about 1.5× faster on wide layers.
    let i = 0;
    for (; i + 3 < n; i += 4) {
      w[i] -= eta * g[i]; w[i + 1] -= eta * g[i + 1]; w[i + 2] -= eta * g[i + 2]; w[i + 3] -= eta * g[i + 3];
    }
    for (; i < n; i++) w[i] -= eta * g[i];
  }
}

/** Throws a RangeError when grads does not have the shapes of weights. */
export function assertGradsMatch(weights: readonly Mat[], grads: readonly Mat[]): void {
  if (grads.length !== weights.length) throw new RangeError(`gradient tuple has ${grads.length} matrices, weights ${weights.length}`);
  for (let j = 0; j < weights.length; j++) {
    if (grads[j].rows !== weights[j].rows || grads[j].cols !== weights[j].cols) {
      throw new RangeError(`gradient of W${j + 1} is ${grads[j].rows}×${grads[j].cols}, W${j + 1} is ${weights[j].rows}×${weights[j].cols}`);
    }
  }
}

/** Gradient descent with step sizes η_k from schedule (constant schedule = plain GD). */
export function gd(schedule: Schedule): Optimizer<GdState> {
  validateSchedule(schedule);
  return {
    name: schedule.kind === 'constant' ? 'gd' : 'gd-power',
    init: () => ({ step: 0 }),
    update(weights, grads, state) {
      const eta = stepSize(schedule, state.step);
      gdStep(weights, grads, eta);
      state.step++;
      return eta;
    },
  };
}

/** √(Σ_j ‖G_j‖_F²), the Frobenius norm of a gradient tuple (THEORY §1.5). */
export function tupleNorm(grads: readonly Mat[]): number {
  let s = 0;
  for (const g of grads) {
    const d = g.data;
    for (let i = 0; i < d.length; i++) s += d[i] * d[i];
  }
  return Math.sqrt(s);
}
