import type { Mat } from '../linalg/mat.ts';
import { spectralNorm } from '../linalg/norms.ts';
import type { Stats } from '../model/stats.ts';
import { dimsOf } from '../model/network.ts';
import { createGradWorkspace, lossAndGrad } from '../model/lossAndGrad.ts';
import { type BoundData, asBoundData } from './boundData.ts';

/** Per-layer gradient bounds (THEORY §4.1): ‖∇_{W_j}L(W)‖ ≤ ‖X‖√(2L(W)) Π_{i≠j}‖W_i‖ (spectral norms); entry j−1 is layer j. */
export function gradientNormBounds(data: Stats | BoundData, weights: readonly Mat[]): number[] {
  const bd = asBoundData(data);
  const factor = bd.normX * Math.sqrt(2 * lossAndGrad(weights, bd.stats, null, createGradWorkspace(dimsOf(weights))));
  const norms = weights.map((w) => spectralNorm(w));
  return norms.map((_, j) => norms.reduce((p, v, i) => (i === j ? p : p * v), factor));
}
