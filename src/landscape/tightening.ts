import { type Mat, zeros, transposed } from '../linalg/mat.ts';
import { matmul } from '../linalg/matmul.ts';
import { singularValues } from '../linalg/svd.ts';
import type { Stats } from '../model/stats.ts';
import { requireCriticalPoint, DEFAULT_GRADIENT_TOL } from './criticality.ts';

/** Default relative threshold of rank decisions (THEORY §7). */
export const DEFAULT_RANK_TOL = 1e-9;

/** Ranks of the two complementary blocks of the pivot (i, j), 1 ≤ j < i ≤ N (THEORY §5.5). */
export interface PivotRanks {
  readonly i: number;
  readonly j: number;
  /** rank B¹_{ij} = rank(W_{j−1}⋯W_1 Σ_XY W_N⋯W_{i+1}). */
  readonly rank1: number;
  /** rank B²_{ij} = rank(W_{i−1}⋯W_{j+1}) (= d_j when i = j + 1). */
  readonly rank2: number;
  /** rank1 = r or rank2 = r. */
  readonly tightened: boolean;
}

/** The tightening test of Achour et al.'s Definition 6 at a critical point: whether every pivot is tightened. */
export interface TighteningResult {
  /** Every pivot tightened (AMG Def. 6). */
  readonly tightened: boolean;
  /** r = rank P. */
  readonly rank: number;
  readonly pivots: PivotRanks[];
  readonly rankTol: number;
}

/** Options of the tightening test. */
export interface TighteningOptions {
  /** A singular value of a product M_1⋯M_k counts when > rankTol·Π‖M_i‖_F; default 1e-9. */
  readonly rankTol?: number;
  /** Relative gradient norm above which W is not critical (PremiseError); default 1e-8. */
  readonly gradientTol?: number;
}

/**
 * Numerical rank of M_1⋯M_k: singular values above rankTol·Π_i‖M_i‖_F. The bound Π‖M_i‖_F is the
 * scale of the product's rounding error, so the decision does not depend on the units of the data
 * or of the layers (THEORY §7's 1e-9·max(1, σ_1) would call every singular value of a product of
 * tiny layers zero, and would keep rounding noise of a product of huge ones).
 */
export function productRank(factors: readonly Mat[], rankTol = DEFAULT_RANK_TOL): number {
  let scale = 1;
  for (const f of factors) {
    let s = 0;
    for (const v of f.data) s += v * v;
    scale *= Math.sqrt(s);
  }
  if (!(scale > 0)) return 0;
  let p = factors[0];
  for (let k = 1; k < factors.length; k++) p = matmul(zeros(p.rows, factors[k].cols), p, factors[k]);
  const sv = singularValues(p);
  let r = 0;
  for (const s of sv) if (s > rankTol * scale) r++;
  return r;
}

/**
 * The tightening test of AMG (THEORY §5.5) at a first-order critical point: the layers on a cycle
 * closed by Σ_XY between W_1 and W_N; pivot (i, j) is tightened when one complementary block has
 * rank r = rank P. PremiseError when W is not critical.
 */
export function tightening(weights: readonly Mat[], stats: Stats, options: TighteningOptions = {}): TighteningResult {
  const rankTol = options.rankTol ?? DEFAULT_RANK_TOL;
  requireCriticalPoint('tightening', weights, stats, options.gradientTol ?? DEFAULT_GRADIENT_TOL);
  const n = weights.length;
  const w = (h: number): Mat => weights[h - 1];
  const sxy = transposed(stats.syx);
  const all: Mat[] = [];
  for (let h = n; h >= 1; h--) all.push(w(h));
  const r = productRank(all, rankTol);
  const pivots: PivotRanks[] = [];
  for (let i = 2; i <= n; i++) {
    for (let j = 1; j < i; j++) {
      const b1: Mat[] = [];
      for (let h = j - 1; h >= 1; h--) b1.push(w(h));
      b1.push(sxy);
      for (let h = n; h > i; h--) b1.push(w(h));
      const rank1 = productRank(b1, rankTol);
      let rank2: number;
      if (i === j + 1) rank2 = weights[j - 1].rows;
      else {
        const b2: Mat[] = [];
        for (let h = i - 1; h > j; h--) b2.push(w(h));
        rank2 = productRank(b2, rankTol);
      }
      pivots.push({ i, j, rank1, rank2, tightened: rank1 === r || rank2 === r });
    }
  }
  return { tightened: pivots.every((p) => p.tightened), rank: r, pivots, rankTol };
}
