import { type Mat, zeros } from '../linalg/mat.ts';
import { matmulTN, gemm } from '../linalg/matmul.ts';
import { symmetricSpectralNorm } from '../linalg/norms.ts';
import { dimsOf } from './network.ts';
import { ShapeError } from '../errors.ts';

/** Which matrix norm measures the invariants: spectral (NRT Definition 2.3, the default) or Frobenius (Arora et al.). */
export type BalanceNorm = 'spectral' | 'frobenius';

/** Buffers for repeated invariant measurements: c[j−1] holds C_j (d_j×d_j), diff a scratch of the same shape. */
export interface BalanceWorkspace {
  readonly c: Mat[];
  readonly diff: Mat[];
}

/** Allocates the buffers for networks of widths dims = [d_0, …, d_N] (N − 1 invariants). */
export function createBalanceWorkspace(dims: readonly number[]): BalanceWorkspace {
  const c: Mat[] = [], diff: Mat[] = [];
  for (let j = 1; j < dims.length - 1; j++) { c.push(zeros(dims[j], dims[j])); diff.push(zeros(dims[j], dims[j])); }
  return { c, diff };
}

/**
 * out[j−1] = C_j = W_{j+1}ᵀW_{j+1} − W_jW_jᵀ (d_j×d_j) for j = 1..N−1 (THEORY §3.1); allocates nothing.
 * Returns out.
 */
export function invariantsInto(out: Mat[], weights: readonly Mat[]): Mat[] {
  if (out.length !== Math.max(weights.length - 1, 0)) {
    throw new RangeError(`invariantsInto: ${out.length} output matrices for ${weights.length} layers (need ${weights.length - 1})`);
  }
  for (let j = 1; j < weights.length; j++) {
    const lower = weights[j - 1], upper = weights[j], c = out[j - 1];
    const d = lower.rows;
    if (upper.cols !== d || c.rows !== d || c.cols !== d) {
      throw new RangeError(`invariantsInto: W${j + 1} ${upper.rows}×${upper.cols}, W${j} ${lower.rows}×${lower.cols} and C${j} ${c.rows}×${c.cols} do not match`);
    }
    matmulTN(c, upper, upper);
    gemm(c, lower, lower, { transB: true, alpha: -1, beta: 1 });
  }
  return out;
}

/** Throws a ShapeError unless cs holds C_1..C_{N−1} for widths dims (C_j is d_j×d_j, THEORY §3.1); label names cs. */
export function assertInvariantsMatch(cs: readonly Mat[], dims: readonly number[], label: string): void {
  if (cs.length !== dims.length - 2 || cs.some((c, j) => c.rows !== dims[j + 1] || c.cols !== dims[j + 1])) {
    throw new ShapeError(`${label} holds ${cs.map((c) => `${c.rows}×${c.cols}`).join(', ') || 'no matrices'}, but widths [${dims.join(',')}] need C_1..C_${dims.length - 2} of sizes d_j×d_j`);
  }
}

/** The invariant matrices C_j = W_{j+1}ᵀW_{j+1} − W_jW_jᵀ, j = 1..N−1 (THEORY §3.1), as new matrices. */
export function invariants(weights: readonly Mat[]): Mat[] {
  const out: Mat[] = [];
  for (let j = 1; j < weights.length; j++) out.push(zeros(weights[j - 1].rows, weights[j - 1].rows));
  return invariantsInto(out, weights);
}

/** ‖c‖ in the chosen norm for a symmetric c (NaN when c has a non-finite entry). */
export function symmetricNorm(c: Mat, norm: BalanceNorm): number {
  const d = c.data;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i] * d[i];
  if (!Number.isFinite(s)) return Number.NaN;
  if (norm === 'frobenius') return Math.sqrt(s);
  return s === 0 ? 0 : symmetricSpectralNorm(c);
}

/** max_j ‖c[j]‖ (0 for an empty list). */
function maxNorm(cs: readonly Mat[], norm: BalanceNorm): number {
  let m = 0;
  for (const c of cs) {
    const v = symmetricNorm(c, norm);
    if (Number.isNaN(v)) return Number.NaN;
    if (v > m) m = v;
  }
  return m;
}

/**
 * bal(W) = max_j ‖C_j‖ (THEORY §3.3): the smallest balancedness constant δ of W; spectral norm by
 * default, Frobenius on request; 0 for depth 1. Pass a workspace to avoid allocating the C_j.
 */
export function balancedness(weights: readonly Mat[], norm: BalanceNorm = 'spectral', ws?: BalanceWorkspace): number {
  const c = ws ? invariantsInto(ws.c, weights) : invariants(weights);
  return maxNorm(c, norm);
}

/**
 * max_j ‖C_j(W) − c0[j−1]‖₂, the drift of the invariants away from their initial values c0 = invariants(W(0))
 * (THEORY §3.4); 0 for depth 1. Pass a workspace to avoid allocating.
 */
export function invariantDrift(weights: readonly Mat[], c0: readonly Mat[], ws?: BalanceWorkspace): number {
  return balanceMeasures(weights, c0, ws ?? createBalanceWorkspace(weights.length === 0 ? [] : dimsOf(weights))).drift;
}

/**
 * Both measurements from one computation of the C_j (for trajectory records every k steps):
 * balancedness = max_j ‖C_j‖₂ and drift = max_j ‖C_j − c0[j−1]‖₂. Leaves C_j in ws.c.
 */
export function balanceMeasures(weights: readonly Mat[], c0: readonly Mat[], ws: BalanceWorkspace): { balancedness: number; drift: number } {
  if (c0.length !== ws.c.length) throw new RangeError(`invariantDrift: ${c0.length} initial invariants for ${ws.c.length} layers pairs`);
  invariantsInto(ws.c, weights);
  for (let j = 0; j < ws.c.length; j++) {
    const c = ws.c[j].data, a = c0[j].data, o = ws.diff[j].data;
    if (a.length !== c.length) throw new RangeError(`invariantDrift: C${j + 1}(0) has ${c0[j].rows}×${c0[j].cols} entries, expected ${ws.c[j].rows}×${ws.c[j].cols}`);
    for (let i = 0; i < o.length; i++) o[i] = c[i] - a[i];
  }
  return { balancedness: maxNorm(ws.c, 'spectral'), drift: maxNorm(ws.diff, 'spectral') };
}
