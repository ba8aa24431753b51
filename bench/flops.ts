import { lossAndGradMultiplyAdds } from '../src/model/unrolledLossAndGrad.ts';
import { parameterCount } from '../src/model/network.ts';

/**
 * Flops of one GD step from sufficient statistics (trainGD's step): the multiply-adds of the loss and
 * gradient (forward products, G = EΣ_XX, ⟨E, G⟩, backward products) twice, E = P − A, ‖∇L‖² and the
 * update W ← W − ηG.
 */
export function gdStepFlops(dims: readonly number[]): number {
  const p = parameterCount(dims);
  return 2 * lossAndGradMultiplyAdds(dims) + dims[dims.length - 1] * dims[0] + 4 * p;
}

/** Flops of an m×k by k×n product. */
export const gemmFlops = (m: number, n: number, k: number): number => 2 * m * n * k;

/**
 * Nominal flops of the decompositions of an n×n matrix (Golub & Van Loan, Matrix Computations,
 * 4th ed., §8.3 and §8.6): SVD with U and V 21n³; symmetric eigenvalues and vectors 9n³; eigenvalues
 * only 4n³/3 (the tridiagonal reduction). LAPACK's divide-and-conquer drivers do fewer: these give
 * a common yardstick, not the work done.
 */
export const decompositionFlops = { svd: (n: number): number => 21 * n ** 3, eigh: (n: number): number => 9 * n ** 3, eigvalsh: (n: number): number => (4 / 3) * n ** 3 };
