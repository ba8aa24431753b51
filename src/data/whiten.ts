import { type Mat, zeros, matmul, matmulNT, invSqrtSPD } from '../linalg/index.ts';
import type { Dataset } from '../model/index.ts';
import { DataError } from '../errors.ts';

/**
 * The data with whitened inputs (THEORY §14.1): X̃ = Σ_XX^{−1/2}X, so that X̃X̃ᵀ = I and Σ̃_YX =
 * Σ_YXΣ_XX^{−1/2}; Y is unchanged. The least-squares fit and every critical value stay the same.
 * A DataError when Σ_XX = XXᵀ is singular.
 */
export function whitenInputs(data: Dataset): Dataset {
  const { x, y } = data;
  const sxx = matmulNT(zeros(x.rows, x.rows), x, x);
  let root: Mat;
  try {
    root = invSqrtSPD(sxx);
  } catch {
    throw new DataError(`--whiten needs Σ_XX = XXᵀ invertible (${x.rows} features, ${x.cols} samples): the inputs are linearly dependent`);
  }
  return { x: matmul(zeros(x.rows, x.cols), root, x), y };
}
