import { type Mat, zeros } from './mat.ts';
import { matmulTN } from './matmul.ts';
import { eigh } from './eigh.ts';
import { symmetricSpectralNorm } from './norms.ts';

/**
 * ‖B·diag(signs)·Bᵀ‖ (spectral by default, or Frobenius) for B of d×r, from r×r problems only:
 * the Gram matrix G = BᵀB = VΛVᵀ and K = Λ^{1/2}(VᵀSV)Λ^{1/2}, whose spectral norm is that of BSBᵀ
 * (THEORY §3.7); the Frobenius norm is √(Σ_ab s_a s_b G_ab²). NaN when B has a non-finite entry.
 */
export function lowRankSymmetricNorm(b: Mat, signs: Float64Array, norm: 'spectral' | 'frobenius' = 'spectral'): number {
  const r = b.cols;
  if (signs.length !== r) throw new RangeError(`lowRankSymmetricNorm: ${signs.length} signs for ${r} columns`);
  for (let i = 0; i < b.data.length; i++) if (!Number.isFinite(b.data[i])) return Number.NaN;
  if (r === 0 || b.rows === 0) return 0;
  const g = matmulTN(zeros(r, r), b, b);
  if (norm === 'frobenius') {
    let s = 0;
    for (let a = 0; a < r; a++) for (let c = 0; c < r; c++) s += signs[a] * signs[c] * g.data[a * r + c] * g.data[a * r + c];
    return Math.sqrt(Math.max(s, 0));
  }
  const { values, vectors } = eigh(g);
  const v = vectors.data, root = new Float64Array(r);
  for (let a = 0; a < r; a++) root[a] = Math.sqrt(Math.max(values[a], 0));
  const k = zeros(r, r);
  for (let a = 0; a < r; a++) {
    for (let c = a; c < r; c++) {
      let s = 0;
      for (let i = 0; i < r; i++) s += v[i * r + a] * signs[i] * v[i * r + c];
      k.data[a * r + c] = k.data[c * r + a] = root[a] * s * root[c];
    }
  }
  return symmetricSpectralNorm(k);
}
