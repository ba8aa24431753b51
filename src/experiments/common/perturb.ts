import { type Mat, zeros } from '../../linalg/mat.ts';
import type { Rng } from '../../linalg/rng.ts';
import { frobenius } from '../../linalg/norms.ts';

/**
 * New weights W_h + Δ_h with Δ_h i.i.d. N(0, σ_h²), σ_h = rel·‖W_h‖_F/√(d_h d_{h−1}) (THEORY §8.2 with
 * rel = 0.01, §8.8 with rel = 0.1); drawn layer by layer, row-major. The input is not modified.
 */
export function perturbLayers(weights: readonly Mat[], rel: number, rng: Rng): Mat[] {
  return weights.map((w) => {
    const sigma = (rel * frobenius(w)) / Math.sqrt(w.rows * w.cols);
    const out = zeros(w.rows, w.cols);
    for (let i = 0; i < out.data.length; i++) out.data[i] = w.data[i] + sigma * rng.normal();
    return out;
  });
}
