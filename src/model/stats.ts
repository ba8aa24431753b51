import { type Mat, zeros } from '../linalg/mat.ts';
import { matmul, matmulNT } from '../linalg/matmul.ts';
import { eigh } from '../linalg/eigh.ts';
import { PremiseError } from '../errors.ts';

/** A data set in the column convention of THEORY §1.3: x is d_x×m, y is d_y×m (samples are columns). */
export interface Dataset {
  readonly x: Mat;
  readonly y: Mat;
}

/**
 * Sufficient statistics of a data set (THEORY §1.3): Σ_XX = XXᵀ, Σ_YX = YXᵀ, tr Σ_YY, plus the
 * least-squares map A = Σ_YX Σ_XX⁺ and its loss L_OLS = ½‖AX − Y‖_F². Loss and gradient are
 * evaluated as L = L_OLS + ½⟨E, EΣ_XX⟩ and G = EΣ_XX with E = P − A, which avoids the cancellation
 * of ½(tr Σ_YY − 2tr PΣ_XY + tr PΣ_XXPᵀ) near a minimum (docs/decisions.md).
 */
export interface Stats {
  readonly dx: number;
  readonly dy: number;
  readonly m: number;
  readonly sxx: Mat;
  readonly syx: Mat;
  readonly trYY: number;
  /** Ordinary least-squares map A = Σ_YX Σ_XX⁺ (d_y×d_x). */
  readonly ols: Mat;
  /** L_OLS = ½‖AX − Y‖_F², the smallest loss of any linear map. */
  readonly lossOLS: number;
  /** Numerical rank of Σ_XX (eigenvalues above d_x·ε·λ_max). */
  readonly rankXX: number;
}

/** The premise id of every result that needs Σ_XX = XXᵀ invertible (σ_min(X) > 0, THEORY §4.1; AMG's Assumption 1, §5.1). */
export const SIGMA_XX_SINGULAR = 'sigma-xx-singular';

/**
 * Throws PremiseError(SIGMA_XX_SINGULAR) unless Σ_XX = XXᵀ is invertible (by default: rank Σ_XX = d_x;
 * a caller that measured it otherwise passes invertible). what names what needs it, premise the
 * premise and its section of THEORY.
 */
export function requireInvertibleSigmaXX(stats: Stats, what: string, premise = 'Assumption 1, THEORY §5.1', invertible = stats.rankXX === stats.dx): void {
  if (invertible) return;
  const few = stats.m < stats.dx ? `, only m = ${stats.m} samples for d_x = ${stats.dx} features` : '';
  const remedy = stats.m < stats.dx ? `give at least ${stats.dx} samples` : 'drop the input features that are linear combinations of the others';
  throw new PremiseError(SIGMA_XX_SINGULAR,
    `Σ_XX = XXᵀ is singular (rank ${stats.rankXX} < d_x = ${stats.dx}${few}); ${what} needs Σ_XX invertible (${premise}): ${remedy}`);
}

/** Statistics of a data set; cost O(m d²) once, after which no step depends on m. */
export function statsFromData(data: Dataset): Stats {
  const { x, y } = data;
  if (x.cols !== y.cols) throw new RangeError(`X has ${x.cols} samples but Y has ${y.cols}`);
  const sxx = matmulNT(zeros(x.rows, x.rows), x, x);
  const syx = matmulNT(zeros(y.rows, x.rows), y, x);
  let trYY = 0;
  for (const v of y.data) trYY += v * v;
  const { ols, rank } = olsMap(sxx, syx);
  const fit = matmul(zeros(y.rows, y.cols), ols, x);
  let r2 = 0;
  for (let i = 0; i < fit.data.length; i++) { const e = fit.data[i] - y.data[i]; r2 += e * e; }
  return { dx: x.rows, dy: y.rows, m: x.cols, sxx, syx, trYY, ols, lossOLS: 0.5 * r2, rankXX: rank };
}

/** Statistics given Σ_XX, Σ_YX and tr Σ_YY directly (L_OLS from the closed form ½(trΣ_YY − tr AΣ_XY)). */
export function statsFromMoments(sxx: Mat, syx: Mat, trYY: number, m = Number.NaN): Stats {
  if (sxx.rows !== sxx.cols || syx.cols !== sxx.rows) {
    throw new RangeError(`statsFromMoments: Σ_XX ${sxx.rows}×${sxx.cols} and Σ_YX ${syx.rows}×${syx.cols} do not match`);
  }
  const { ols, rank } = olsMap(sxx, syx);
  let tr = 0;
  for (let i = 0; i < ols.data.length; i++) tr += ols.data[i] * syx.data[i];
  return { dx: sxx.rows, dy: syx.rows, m, sxx, syx, trYY, ols, lossOLS: Math.max(0, 0.5 * (trYY - tr)), rankXX: rank };
}

function olsMap(sxx: Mat, syx: Mat): { ols: Mat; rank: number } {
  const n = sxx.rows;
  const { values, vectors } = eigh(sxx);
  const lmax = Math.max(Math.abs(values[n - 1] ?? 0), 0);
  const tol = Math.max(n, 1) * 2.220446049250313e-16 * lmax;
  // Σ_XX⁺ = V diag(1/λ) Vᵀ over eigenvalues above tol.
  const pinv = zeros(n, n);
  let rank = 0;
  for (let k = 0; k < n; k++) {
    const lam = values[k];
    if (!(lam > tol)) continue;
    rank++;
    for (let i = 0; i < n; i++) {
      const vi = vectors.data[i * n + k] / lam;
      if (vi === 0) continue;
      for (let j = 0; j < n; j++) pinv.data[i * n + j] += vi * vectors.data[j * n + k];
    }
  }
  return { ols: matmul(zeros(syx.rows, n), syx, pinv), rank };
}
