import type { Mat } from '../../linalg/mat.ts';
import { Rng } from '../../linalg/rng.ts';
import { nrt } from '../../data/generators.ts';
import { initBalanced } from '../../model/init.ts';
import { type BoundData, boundData } from '../../theory/boundData.ts';
import { type NrtBoundResult, nrtBound } from '../../theory/nrtBound.ts';

/** Settings of the NRT experiments (THEORY §8.6 project defaults). */
export interface NrtProblemConfig {
  /** Depths N (THEORY §8.6: 2, 3, 5). */
  depths: number[];
  /** Width of every hidden layer (12). */
  hidden: number;
}

/** One depth of the NRT problem: widths, the balanced start and its step-size bounds. */
export interface NrtDepth {
  N: number;
  dims: number[];
  /** W(0): always-balanced initialisation with s = 1 (α = 0). */
  weights: Mat[];
  /** Theorem 2.4 as stated: c_N = (N+1)², δ of Remark 2.5(b). */
  bound: NrtBoundResult;
  /** NRT's §5 reading (THEORY §4.8): c_N = N − 1 in K_δ and δ = M^{2/N}/(N(N−1)); null for N = 1 (c_N = 0). */
  boundSharp: NrtBoundResult | null;
}

/**
 * The data of THEORY §8.6 (nrt: d_x = 10, d_y = 8, m = 30, rank 4, drawn first from the seed) and, for
 * each depth, widths [10, hidden, …, hidden, 8] with the balanced start drawn next — by a fresh
 * generator per depth, so that every depth's start is what the playground draws from the seed.
 */
export function nrtProblem(seed: number, config: NrtProblemConfig): { data: BoundData; depths: NrtDepth[] } {
  const data = boundData(nrt(new Rng(seed)));
  const depths = config.depths.map((N) => {
    const dims = [10, ...Array.from({ length: N - 1 }, () => config.hidden), 8];
    const rng = new Rng(seed);
    nrt(rng);
    const weights = initBalanced(dims, rng, 1);
    const bound = nrtBound(data, weights);
    const boundSharp = N > 1 ? nrtBound(data, weights, { cN: 'N-1' }) : null;
    return { N, dims, weights, bound, boundSharp };
  });
  return { data, depths };
}
