import { type Mat, zeros } from '../../linalg/mat.ts';
import { matmulTN, matmulNT } from '../../linalg/matmul.ts';
import type { Stats } from '../../model/stats.ts';
import { dimsOf } from '../../model/network.ts';
import { createGradWorkspace, lossAndGrad } from '../../model/lossAndGrad.ts';
import { gdStep } from '../../optim/gd.ts';
import { invariants, invariantDrift } from '../../model/index.ts';

/** Invariant drift of one GD run to a fixed horizon T = steps·η (THEORY §3.4). */
export interface DriftRun {
  /** max_j ‖C_j(T) − C_j(0)‖₂. */
  drift: number;
  /** Σ_k η²·max_j(‖G_{j+1}(k)‖_F² + ‖G_j(k)‖_F²) ≥ drift: §3.4's one-step bound summed over the run (Frobenius ≥ spectral). */
  bound: number;
  /** L(W(T)). */
  loss: number;
  diverged: boolean;
}

/** GD with step eta for `steps` steps from weights (updated in place), measuring the drift of the invariants C_j. */
export function driftRun(stats: Stats, weights: Mat[], eta: number, steps: number): DriftRun {
  const c0 = invariants(weights);
  const ws = createGradWorkspace(dimsOf(weights)), grads = weights.map((w) => zeros(w.rows, w.cols));
  const sq = new Float64Array(weights.length);
  let bound = 0, loss = Number.NaN;
  for (let k = 0; k <= steps; k++) {
    loss = lossAndGrad(weights, stats, grads, ws);
    if (!Number.isFinite(loss) || loss > 1e12) return { drift: Number.NaN, bound: Number.NaN, loss, diverged: true };
    if (k === steps) break;
    for (let j = 0; j < grads.length; j++) { let s = 0; for (const v of grads[j].data) s += v * v; sq[j] = s; }
    let worst = 0;
    for (let j = 0; j + 1 < grads.length; j++) worst = Math.max(worst, sq[j] + sq[j + 1]);
    bound += eta * eta * worst;
    gdStep(weights, grads, eta);
  }
  return { drift: invariantDrift(weights, c0), bound, loss, diverged: false };
}

/**
 * The exact one-step identity of THEORY §3.4 at W: max_j max-entry |C_j(W') − C_j(W) − η²(G_{j+1}ᵀG_{j+1} − G_jG_jᵀ)|
 * with W' = W − η∇L(W), relative to the size max_j(‖W_{j+1}‖_F² + ‖W_j‖_F²) of the terms C_j is computed from
 * (so a value near machine epsilon means exact up to rounding). W is not modified.
 */
export function oneStepIdentityError(stats: Stats, weights: readonly Mat[], eta: number): number {
  const grads = weights.map((w) => zeros(w.rows, w.cols));
  lossAndGrad(weights, stats, grads, createGradWorkspace(dimsOf(weights)));
  const next = weights.map((w) => ({ rows: w.rows, cols: w.cols, data: w.data.slice() }));
  gdStep(next, grads, eta);
  const before = invariants(weights), after = invariants(next);
  let err = 0, scale = 0;
  const sq = weights.map((w) => w.data.reduce((a, v) => a + v * v, 0));
  for (let j = 0; j + 1 < weights.length; j++) {
    scale = Math.max(scale, sq[j] + sq[j + 1]);
    const up = matmulTN(zeros(grads[j + 1].cols, grads[j + 1].cols), grads[j + 1], grads[j + 1]);
    const down = matmulNT(zeros(grads[j].rows, grads[j].rows), grads[j], grads[j]);
    for (let i = 0; i < up.data.length; i++) {
      const actual = after[j].data[i] - before[j].data[i];
      err = Math.max(err, Math.abs(actual - eta * eta * (up.data[i] - down.data[i])));
    }
  }
  return err / scale;
}
