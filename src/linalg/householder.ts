import { pythag } from './pythag.ts';

/**
 * Householder reflectors shared by qr, svd (bidiagonalisation) and eigh (tridiagonalisation).
 * Unchecked internal kernels: offsets and lengths are the caller's responsibility.
 */

/** ‖x[off : off+len]‖₂ without spurious overflow or underflow (a second, scaled pass only when needed). */
export function nrm2(x: Float64Array, off: number, len: number): number {
  let ss = 0;
  for (let i = off; i < off + len; i++) ss += x[i] * x[i];
  // The one-pass sum is exact enough unless squares left the normal range; then rescale (as LAPACK dnrm2).
  if (ss > 1e-290 && ss < 1e290) return Math.sqrt(ss);
  let big = 0;
  for (let i = off; i < off + len; i++) big = Math.max(big, Math.abs(x[i]));
  if (big === 0 || !Number.isFinite(big)) return big;
  ss = 0;
  for (let i = off; i < off + len; i++) { const t = x[i] / big; ss += t * t; }
  return big * Math.sqrt(ss);
}

/**
 * LAPACK dlarfg: finds H = I − τ·v·vᵀ with v = (1, x̃) such that H·(alpha, x) = (β, 0).
 * Overwrites x[off : off+len] with x̃ and returns τ; β is written to out[0].
 * β = −sign(alpha)·‖(alpha, x)‖ avoids cancellation in alpha − β (Golub & Van Loan §5.1.3).
 */
export function householder(alpha: number, x: Float64Array, off: number, len: number, out: Float64Array): number {
  const xnorm = nrm2(x, off, len);
  if (xnorm === 0) { out[0] = alpha; return 0; }
  const beta = -(alpha >= 0 ? 1 : -1) * pythag(alpha, xnorm);
  const denom = alpha - beta;
  for (let i = off; i < off + len; i++) x[i] /= denom;
  out[0] = beta;
  return (beta - alpha) / beta;
}
