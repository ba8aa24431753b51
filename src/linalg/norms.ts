import type { Mat } from './mat.ts';
import { eigvalsh } from './eigh.ts';
import { nrm2 } from './householder.ts';
import { singularValues } from './svd.ts';

/** ‖a‖_F = √(Σ a_ij²), rescaled when the squares would overflow or underflow (as LAPACK dnrm2). */
export function frobenius(a: Mat): number {
  return nrm2(a.data, 0, a.data.length);
}

/** ‖a‖₂ = σ₁(a), the largest singular value (0 for an empty matrix); O(mn·min(m, n)). */
export function spectralNorm(a: Mat): number {
  const s = singularValues(a);
  return s.length === 0 ? 0 : s[0];
}

/** ‖a‖₂ = max |λ_i(a)| of a symmetric matrix, from its lower triangle (0 for an empty matrix). */
export function symmetricSpectralNorm(a: Mat): number {
  const values = eigvalsh(a);
  return values.length === 0 ? 0 : Math.max(-values[0], values[values.length - 1]);
}
