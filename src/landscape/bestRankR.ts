import type { Mat } from '../linalg/mat.ts';
import type { Stats } from '../model/stats.ts';
import { ArgumentError } from '../errors.ts';
import { REPEATED_GAP, criticalProduct, criticalValueOf, dataSpectrum } from './spectrum.ts';

/** The best product of rank ≤ r (THEORY §5.4). */
export interface BestRankResult {
  /** R*_r = U_[r]U_[r]ᵀΣ_YXΣ_XX^{−1} (d_y×d_x). */
  readonly product: Mat;
  /** ½‖R*_rX − Y‖_F² = ½(tr Σ_YY − Σ_{i≤r}λ_i). */
  readonly loss: number;
  /** False when λ_r = λ_{r+1} (relative gap ≤ REPEATED_GAP): the minimiser is then not unique. */
  readonly unique: boolean;
}

/** argmin_{rank R ≤ r} ½‖RX − Y‖_F² (Baldi–Hornik / reduced-rank regression, THEORY §5.4). */
export function bestRankR(stats: Stats, r: number): BestRankResult {
  if (!Number.isInteger(r) || r < 0 || r > stats.dy) {
    throw new ArgumentError(`the rank r of a best rank-r map must be an integer in 0..d_y = ${stats.dy}, got ${r}`);
  }
  const spec = dataSpectrum(stats);
  const subset = Array.from({ length: r }, (_, i) => i + 1);
  const l = spec.lambda;
  const unique = r === 0 || r === spec.dy || l[r - 1] - l[r] > REPEATED_GAP * l[0];
  return { product: criticalProduct(spec, subset), loss: criticalValueOf(spec, subset), unique };
}
