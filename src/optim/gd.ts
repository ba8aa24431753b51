import { descend, sumSquares } from '../linalg/elementwise.ts';
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
  for (let j = 0; j < weights.length; j++) descend(weights[j].data, grads[j].data, eta);
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

/**
 * √(Σ_j ‖G_j‖_F²), the Frobenius norm of a gradient tuple (THEORY §1.5): each ‖G_j‖_F² in
 * sumSquares's order, added over j in order.
 */
export function tupleNorm(grads: readonly Mat[]): number {
  let s = 0;
  for (const g of grads) s += sumSquares(g.data);
  return Math.sqrt(s);
}
