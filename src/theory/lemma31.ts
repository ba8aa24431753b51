import type { Mat } from '../linalg/mat.ts';
import type { Stats } from '../model/stats.ts';
import { dimsOf } from '../model/network.ts';
import { createGradWorkspace, lossAndGrad } from '../model/lossAndGrad.ts';
import { type BoundData, asBoundData, assertSigmaXXInvertible } from './boundData.ts';
import { lemmaM } from './nrtBound.ts';

/** Lemma 3.1 (THEORY §4.1): ‖W‖ ≤ (√(2L¹(W)) + ‖Y‖)/σ_min(X) for a linear map W (d_y×d_x); needs Σ_XX invertible. */
export function lemma31Bound(data: Stats | BoundData, w: Mat): number {
  return productNormBound(data, [w]);
}

/** Lemma 3.1 for the product (THEORY §4.1): ‖W_N⋯W_1‖ ≤ (√(2L(W)) + ‖Y‖)/σ_min(X); needs Σ_XX invertible. */
export function productNormBound(data: Stats | BoundData, weights: readonly Mat[]): number {
  const bd = asBoundData(data);
  assertSigmaXXInvertible('the norm bound of Lemma 3.1', bd);
  return lemmaM(lossAndGrad(weights, bd.stats, null, createGradWorkspace(dimsOf(weights))), bd.normY, bd.sigmaMinX);
}
