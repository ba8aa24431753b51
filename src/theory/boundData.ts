import type { Mat } from '../linalg/mat.ts';
import { eigvalsh } from '../linalg/eigh.ts';
import { spectralNorm } from '../linalg/norms.ts';
import { type Dataset, type Stats, requireInvertibleSigmaXX, statsFromData } from '../model/stats.ts';

/**
 * How ‖Y‖ was obtained: 'exact' (from raw Y, or from Σ_YY = YYᵀ as √λ_max(Σ_YY)) or
 * 'frobenius-bound' (only tr Σ_YY was known, so ‖Y‖ ≤ ‖Y‖_F = √tr Σ_YY is used in its place).
 */
export type NormYSource = 'exact' | 'frobenius-bound';

/**
 * The data constants of the NRT bound (THEORY §4.1, §4.3), all spectral norms computed from the
 * statistics: ‖X‖² = λ_max(Σ_XX), σ_min(X)² = λ_min(Σ_XX), ‖XYᵀ‖ = ‖Σ_YX‖, ‖Y‖ = √λ_max(Σ_YY).
 * Stats carry only tr Σ_YY; without raw Y or Σ_YY, ‖Y‖ is replaced by the upper bound ‖Y‖_F. A
 * larger ‖Y‖ only enlarges M (Lemma 3.1 stays true), so the bound stays valid, just smaller.
 */
export interface BoundData {
  readonly stats: Stats;
  /** ‖X‖ = √λ_max(Σ_XX). */
  readonly normX: number;
  /** σ_min(X) = √λ_min(Σ_XX) (0 when Σ_XX is singular). */
  readonly sigmaMinX: number;
  /** ‖XYᵀ‖ = ‖Σ_YX‖ (spectral). */
  readonly normXY: number;
  /** ‖Y‖ (spectral), or its upper bound ‖Y‖_F; see normYSource. */
  readonly normY: number;
  readonly normYSource: NormYSource;
}

/** True when x is a BoundData record rather than bare Stats. */
export function isBoundData(x: Stats | BoundData): x is BoundData {
  return (x as BoundData).stats !== undefined && (x as BoundData).normYSource !== undefined;
}

/**
 * The constants of THEORY §4.3 from a data set (exact ‖Y‖), or from statistics plus, optionally,
 * Σ_YY = YYᵀ (exact ‖Y‖; without it ‖Y‖_F = √tr Σ_YY bounds ‖Y‖ from above).
 */
export function boundData(source: Dataset | Stats, syy?: Mat): BoundData {
  const fromData = (source as Dataset).x !== undefined && (source as Stats).sxx === undefined;
  const stats = fromData ? statsFromData(source as Dataset) : (source as Stats);
  let normY: number, normYSource: NormYSource;
  if (fromData) {
    normY = spectralNorm((source as Dataset).y);
    normYSource = 'exact';
  } else if (syy !== undefined) {
    if (syy.rows !== stats.dy || syy.cols !== stats.dy) {
      throw new RangeError(`boundData: Σ_YY is ${syy.rows}×${syy.cols}, expected ${stats.dy}×${stats.dy}`);
    }
    const ev = eigvalsh(syy);
    normY = Math.sqrt(Math.max(ev[ev.length - 1] ?? 0, 0));
    normYSource = 'exact';
  } else {
    normY = Math.sqrt(Math.max(stats.trYY, 0));
    normYSource = 'frobenius-bound';
  }
  const ev = eigvalsh(stats.sxx);
  const lmin = ev.length === 0 ? 0 : ev[0], lmax = ev.length === 0 ? 0 : ev[ev.length - 1];
  const singular = stats.rankXX < stats.dx || !(lmin > 0);
  return {
    stats,
    normX: Math.sqrt(Math.max(lmax, 0)),
    sigmaMinX: singular ? 0 : Math.sqrt(lmin),
    normXY: spectralNorm(stats.syx),
    normY,
    normYSource,
  };
}

/** data itself when it is already a BoundData record, else boundData(data). */
export function asBoundData(data: Stats | BoundData): BoundData {
  return isBoundData(data) ? data : boundData(data);
}

/**
 * Throws PremiseError(SIGMA_XX_SINGULAR) unless σ_min(X) > 0 (the premise of Lemma 3.1 and Theorems
 * 2.4 and 2.6, THEORY §4.1, §4.3); fn names the caller in the message.
 */
export function assertSigmaXXInvertible(fn: string, data: BoundData): void {
  requireInvertibleSigmaXX(data.stats, fn, 'σ_min(X) > 0, THEORY §4.1', data.sigmaMinX > 0);
}
