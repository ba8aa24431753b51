import { type Mat, zeros } from '../linalg/mat.ts';
import { matmulTN, gemm } from '../linalg/matmul.ts';
import { symmetricSpectralNorm } from '../linalg/norms.ts';
import { lowRankSymmetricNorm } from '../linalg/lowRankSymmetricNorm.ts';
import { dimsOf } from './network.ts';
import { ShapeError } from '../errors.ts';

/** Which matrix norm measures the invariants: spectral (NRT Definition 2.3, the default) or Frobenius (Arora et al.). */
export type BalanceNorm = 'spectral' | 'frobenius';

/**
 * Buffers for repeated invariant measurements. For a layer with d_{j−1} + d_{j+1} ≥ d_j, c[j−1]
 * holds C_j (d_j×d_j) and diff a scratch of that shape; for a wide layer (isWideLayer), c[j−1] holds
 * the factor B_j = [W_{j+1}ᵀ | W_j] (d_j × r) and diff [B_j | B_j(0)] (d_j × 2r) (THEORY §3.7).
 */
export interface BalanceWorkspace {
  readonly c: Mat[];
  readonly diff: Mat[];
}

/** True when layer j (1 ≤ j ≤ N−1) of widths dims is measured through its factor: d_{j−1} + d_{j+1} < d_j (THEORY §3.7). */
export function isWideLayer(dims: readonly number[], j: number): boolean {
  return dims[j - 1] + dims[j + 1] < dims[j];
}

/** Allocates the buffers for networks of widths dims = [d_0, …, d_N] (N − 1 invariants). */
export function createBalanceWorkspace(dims: readonly number[]): BalanceWorkspace {
  const c: Mat[] = [], diff: Mat[] = [];
  for (let j = 1; j < dims.length - 1; j++) {
    const d = dims[j], r = dims[j - 1] + dims[j + 1];
    if (isWideLayer(dims, j)) { c.push(zeros(d, r)); diff.push(zeros(d, 2 * r)); } else { c.push(zeros(d, d)); diff.push(zeros(d, d)); }
  }
  return { c, diff };
}

/** out = B_j = [W_{j+1}ᵀ | W_j] (d_j × (d_{j+1} + d_{j−1})), written at column offset col of out (THEORY §3.7). */
function factorInto(out: Mat, lower: Mat, upper: Mat, col = 0): void {
  const d = lower.rows, up = upper.rows, lo = lower.cols, w = out.cols, o = out.data;
  for (let i = 0; i < d; i++) {
    const row = i * w + col;
    for (let a = 0; a < up; a++) o[row + a] = upper.data[a * d + i];
    for (let b = 0; b < lo; b++) o[row + up + b] = lower.data[i * lo + b];
  }
}

const signCache = new Map<string, Float64Array>();

/** diag S of C_j = B_j S B_jᵀ: +1 for W_{j+1}'s d_{j+1} columns, −1 for W_j's (repeated, negated, for the drift's [B | B(0)]). */
function signsOf(up: number, lo: number, drift: boolean): Float64Array {
  const key = `${up},${lo},${drift}`;
  let s = signCache.get(key);
  if (s === undefined) {
    const r = up + lo;
    s = new Float64Array(drift ? 2 * r : r);
    for (let a = 0; a < s.length; a++) s[a] = ((a % r) < up ? 1 : -1) * (a >= r ? -1 : 1);
    signCache.set(key, s);
  }
  return s;
}

/**
 * C_j(0) for every layer pair, as drift needs it: the matrix C_j, or for a wide layer its factor
 * B_j(0) = [W_{j+1}ᵀ | W_j] (THEORY §3.7), so that a 10⁴-wide layer costs its weights, not 10⁸ entries.
 */
export function initialInvariants(weights: readonly Mat[]): Mat[] {
  const dims = dimsFrom(weights), out: Mat[] = [];
  for (let j = 1; j < weights.length; j++) {
    if (isWideLayer(dims, j)) {
      const b = zeros(dims[j], dims[j - 1] + dims[j + 1]);
      factorInto(b, weights[j - 1], weights[j]);
      out.push(b);
    } else out.push(invariantsInto([zeros(dims[j], dims[j])], [weights[j - 1], weights[j]])[0]);
  }
  return out;
}

/** True when c0 (an entry of initialInvariants) has the shape of C_j(0) for layer j of dims, dense or factored. */
export function fitsInitialInvariant(c0: Mat, dims: readonly number[], j: number): boolean {
  const d = dims[j];
  return c0.rows === d && c0.cols === (isWideLayer(dims, j) ? dims[j - 1] + dims[j + 1] : d);
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
  const fits = (c: Mat, j: number): boolean => (c.rows === dims[j] && c.cols === dims[j]) || fitsInitialInvariant(c, dims, j);
  if (cs.length !== dims.length - 2 || cs.some((c, j) => !fits(c, j + 1))) {
    throw new ShapeError(`${label} holds ${cs.map((c) => `${c.rows}×${c.cols}`).join(', ') || 'no matrices'}, but widths [${dims.join(',')}] need C_1..C_${dims.length - 2} of sizes d_j×d_j (or d_j × (d_{j−1}+d_{j+1}) factors for wide layers, THEORY §3.7)`);
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

/**
 * bal(W) = max_j ‖C_j‖ (THEORY §3.3): the smallest balancedness constant δ of W; spectral norm by
 * default, Frobenius on request; 0 for depth 1. Wide layers are measured through their factors
 * (THEORY §3.7). Pass a workspace to avoid allocating the C_j.
 */
export function balancedness(weights: readonly Mat[], norm: BalanceNorm = 'spectral', ws?: BalanceWorkspace): number {
  const dims = dimsFrom(weights), w = ws ?? createBalanceWorkspace(dims);
  let m = 0;
  for (let j = 1; j < weights.length; j++) {
    const v = layerNorm(weights, dims, j, w.c[j - 1], norm);
    if (Number.isNaN(v)) return Number.NaN;
    if (v > m) m = v;
  }
  return m;
}

/** ‖C_j‖ of layer j, into the workspace matrix c (C_j, or the factor B_j of a wide layer). */
function layerNorm(weights: readonly Mat[], dims: readonly number[], j: number, c: Mat, norm: BalanceNorm): number {
  const lower = weights[j - 1], upper = weights[j];
  if (isWideLayer(dims, j)) {
    factorInto(c, lower, upper);
    return lowRankSymmetricNorm(c, signsOf(dims[j + 1], dims[j - 1], false), norm);
  }
  invariantsInto([c], [lower, upper]);
  return symmetricNorm(c, norm);
}

/**
 * max_j ‖C_j(W) − c0[j−1]‖₂, the drift of the invariants away from their initial values
 * c0 = initialInvariants(W(0)) or invariants(W(0)) (THEORY §3.4); 0 for depth 1. Pass a workspace to avoid allocating.
 */
export function invariantDrift(weights: readonly Mat[], c0: readonly Mat[], ws?: BalanceWorkspace): number {
  return balanceMeasures(weights, c0, ws ?? createBalanceWorkspace(dimsFrom(weights))).drift;
}

/**
 * Both measurements from one computation of the C_j (for trajectory records every k steps):
 * balancedness = max_j ‖C_j‖₂ and drift = max_j ‖C_j − c0[j−1]‖₂, wide layers through their
 * factors (THEORY §3.7; c0[j−1] of a wide layer is the factor B_j(0), or the dense C_j(0)).
 */
export function balanceMeasures(weights: readonly Mat[], c0: readonly Mat[], ws: BalanceWorkspace): { balancedness: number; drift: number } {
  if (c0.length !== ws.c.length) throw new RangeError(`invariantDrift: ${c0.length} initial invariants for ${ws.c.length} layers pairs`);
  const dims = dimsFrom(weights);
  let bal = 0, drift = 0;
  for (let j = 1; j < weights.length; j++) {
    const c = ws.c[j - 1], a = c0[j - 1], o = ws.diff[j - 1];
    const b = layerNorm(weights, dims, j, c, 'spectral');
    let dr: number;
    if (isWideLayer(dims, j) && a.cols !== a.rows) {
      if (a.rows !== c.rows || a.cols !== c.cols) throw new RangeError(`invariantDrift: C${j}(0)'s factor is ${a.rows}×${a.cols}, expected ${c.rows}×${c.cols}`);
      const r = c.cols;
      for (let i = 0; i < c.rows; i++) {
        o.data.set(c.data.subarray(i * r, (i + 1) * r), 2 * r * i);
        o.data.set(a.data.subarray(i * r, (i + 1) * r), 2 * r * i + r);
      }
      dr = lowRankSymmetricNorm(o, signsOf(dims[j + 1], dims[j - 1], true));
    } else {
      const dense = isWideLayer(dims, j) ? invariantsInto([zeros(c.rows, c.rows)], [weights[j - 1], weights[j]])[0] : c;
      if (a.data.length !== dense.data.length) throw new RangeError(`invariantDrift: C${j}(0) has ${a.rows}×${a.cols} entries, expected ${dense.rows}×${dense.cols}`);
      const diff = dense === c ? o : zeros(c.rows, c.rows);
      for (let i = 0; i < diff.data.length; i++) diff.data[i] = dense.data[i] - a.data[i];
      dr = symmetricNorm(diff, 'spectral');
    }
    if (Number.isNaN(b) || Number.isNaN(dr)) return { balancedness: Number.NaN, drift: Number.NaN };
    bal = Math.max(bal, b); drift = Math.max(drift, dr);
  }
  return { balancedness: bal, drift };
}

function dimsFrom(weights: readonly Mat[]): number[] {
  return weights.length === 0 ? [] : dimsOf(weights);
}
