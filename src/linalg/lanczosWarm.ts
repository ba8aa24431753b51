import { nrm2 } from './householder.ts';
import { steqr } from './steqr.ts';

/**
 * Buffers of a restartable Lanczos process on symmetric operators of size p (THEORY §12.2): the
 * Krylov basis, the tridiagonal T_k, its eigen-decomposition, the Ritz vectors of the extreme Ritz
 * values and the last result. Allocate once with createLanczosWorkspace and reuse: lanczosWarm then
 * allocates nothing but steqr's two k-vectors per Ritz check.
 */
export interface LanczosWorkspace {
  readonly p: number;
  /** Largest Krylov dimension. */
  readonly maxIter: number;
  /** Orthonormal basis q_0..q_k, row j at j·p. */
  readonly q: Float64Array;
  readonly w: Float64Array;
  readonly coef: Float64Array;
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  readonly d: Float64Array;
  readonly e: Float64Array;
  readonly z: Float64Array;
  /** Unit Ritz vectors of the largest and the smallest Ritz value of the last run. */
  readonly vMax: Float64Array;
  readonly vMin: Float64Array;
  /** Results of the last run: [max, min, residualMax, residualMin, iterations, converged (1/0)]. */
  readonly out: Float64Array;
}

/** How lanczosWarm stops; every field states its default. */
export interface LanczosWarmOptions {
  /** Accept a Ritz pair once its residual ‖Hy − θy‖ ≤ tol·max|θ| (default 1e-10). */
  readonly tol?: number;
  /**
   * …or once residual² ≤ gapTol·max|θ|·gap, gap the distance to the next Ritz value: the a-posteriori
   * bound |θ − λ| ≤ residual²/gap (THEORY §12.2) then puts θ within gapTol·max|θ| of λ (default 1e-11).
   */
  readonly gapTol?: number;
  /** Whether the smallest Ritz pair must converge too (default false: only the largest). */
  readonly wantMin?: boolean;
}

/** Workspace for operators of size p and Krylov spaces of dimension at most min(p, maxIter) (default 120). */
export function createLanczosWorkspace(p: number, maxIter = 120): LanczosWorkspace {
  if (!Number.isInteger(p) || p < 1) throw new RangeError(`createLanczosWorkspace: size must be a positive integer, got ${p}`);
  const m = Math.max(1, Math.min(p, maxIter));
  return {
    p, maxIter: m, q: new Float64Array(p * (m + 1)), w: new Float64Array(p), coef: new Float64Array(m + 1),
    alpha: new Float64Array(m), beta: new Float64Array(m), d: new Float64Array(m), e: new Float64Array(m),
    z: new Float64Array(m * m), vMax: new Float64Array(p), vMin: new Float64Array(p), out: new Float64Array(6),
  };
}

/** Krylov dimensions at which the Ritz values are checked: every step up to 8, then about every eighth. */
function due(k: number): boolean {
  return k <= 8 || k % Math.max(1, Math.floor(k / 8)) === 0;
}

/**
 * Extreme eigenpairs of a symmetric operator by Lanczos with full reorthogonalisation (Golub & Van
 * Loan §10.1; THEORY §12.2) started from `start` (any non-zero vector; it is copied, not changed):
 * hvp(v, out) writes Hv into out. Results go to ws.out ([max, min, residualMax, residualMin,
 * iterations, converged]) and the unit Ritz vectors to ws.vMax and ws.vMin; returns the number of
 * operator applications. A start close to the top eigenvector converges in a few applications.
 */
export function lanczosWarm(hvp: (v: Float64Array, out: Float64Array) => void, ws: LanczosWorkspace, start: Float64Array, options: LanczosWarmOptions = {}): number {
  const { p, maxIter, q, w, coef, alpha, beta } = ws;
  if (start.length !== p) throw new RangeError(`lanczosWarm: start vector of length ${start.length}, operator of size ${p}`);
  const tol = options.tol ?? 1e-10, gapTol = options.gapTol ?? 1e-11, wantMin = options.wantMin ?? false;
  const s0 = nrm2(start, 0, p);
  if (!(s0 > 0 && Number.isFinite(s0))) throw new RangeError('lanczosWarm: the start vector must be finite and non-zero');
  for (let i = 0; i < p; i++) q[i] = start[i] / s0;
  let size = 0, k = 0, converged = false, iMax = 0, iMin = 0, resMax = 0, resMin = 0;
  for (; k < maxIter; k++) {
    const qk = q.subarray(k * p, (k + 1) * p);
    hvp(qk, w);
    let a = 0;
    for (let i = 0; i < p; i++) a += qk[i] * w[i];
    alpha[k] = a;
    // Classical Gram–Schmidt against the whole basis, twice ("twice is enough").
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j <= k; j++) { let s = 0; const o = j * p; for (let i = 0; i < p; i++) s += q[o + i] * w[i]; coef[j] = s; }
      for (let j = 0; j <= k; j++) { const c = coef[j], o = j * p; for (let i = 0; i < p; i++) w[i] -= c * q[o + i]; }
    }
    const b = nrm2(w, 0, p);
    size = Math.max(size, Math.abs(a), b);
    const breakdown = !(b > 1e-13 * size) || k + 1 === p;
    const last = k + 1 === maxIter;
    if (breakdown || last || due(k + 1)) {
      const n = k + 1;
      ritz(ws, n);
      iMax = 0; iMin = 0;
      for (let i = 1; i < n; i++) { if (ws.d[i] > ws.d[iMax]) iMax = i; if (ws.d[i] < ws.d[iMin]) iMin = i; }
      const bk = breakdown ? 0 : b;
      resMax = bk * Math.abs(ws.z[(n - 1) * n + iMax]);
      resMin = bk * Math.abs(ws.z[(n - 1) * n + iMin]);
      const scale = Math.max(Math.abs(ws.d[iMax]), Math.abs(ws.d[iMin]));
      const okMax = accept(resMax, scale, gapAbove(ws.d, n, iMax, -1), tol, gapTol);
      const okMin = !wantMin || accept(resMin, scale, gapAbove(ws.d, n, iMin, 1), tol, gapTol);
      converged = breakdown || (okMax && okMin);
      if (converged || last) { k++; break; }
    }
    beta[k] = b;
    const next = (k + 1) * p;
    for (let i = 0; i < p; i++) q[next + i] = w[i] / b;
  }
  const n = k;
  ritzVector(ws, n, iMax, ws.vMax);
  ritzVector(ws, n, iMin, ws.vMin);
  const o = ws.out;
  o[0] = ws.d[iMax]; o[1] = ws.d[iMin]; o[2] = resMax; o[3] = resMin; o[4] = n; o[5] = converged ? 1 : 0;
  return n;
}

function accept(res: number, scale: number, gap: number, tol: number, gapTol: number): boolean {
  return res <= tol * scale || (gap > 0 && res * res <= gapTol * scale * gap);
}

/** Distance from Ritz value d[i] to the nearest other one on the side dir (−1: below, +1: above); 0 when none. */
function gapAbove(d: Float64Array, n: number, i: number, dir: number): number {
  let g = Infinity;
  for (let j = 0; j < n; j++) if (j !== i) { const t = dir * (d[j] - d[i]); if (t >= 0 && t < g) g = t; }
  return g === Infinity ? 0 : g;
}

/** Eigen-decomposition of T_n = tridiag(β, α, β) into ws.d (values) and ws.z (n×n, vectors in columns). */
function ritz(ws: LanczosWorkspace, n: number): void {
  const { d, e, z } = ws;
  for (let i = 0; i < n; i++) { d[i] = ws.alpha[i]; e[i] = i + 1 < n ? ws.beta[i] : 0; }
  z.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) z[i * n + i] = 1;
  steqr(d.subarray(0, n), e.subarray(0, n), z.subarray(0, n * n), n);
}

/** out = Σ_j z[j, col]·q_j, normalised. */
function ritzVector(ws: LanczosWorkspace, n: number, col: number, out: Float64Array): void {
  const { p, q, z } = ws;
  out.fill(0);
  for (let j = 0; j < n; j++) { const c = z[j * n + col], o = j * p; for (let i = 0; i < p; i++) out[i] += c * q[o + i]; }
  const s = nrm2(out, 0, p);
  for (let i = 0; i < p; i++) out[i] /= s;
}
