import { type Mat, zeros, transposed, matmul, matmulTN, eigh, eigvalsh, svd } from '../linalg/index.ts';
import { type Stats, type Weights, maxRank, validateDims } from '../model/index.ts';
import { bestRankR, dataSpectrum } from '../landscape/index.ts';
import { InputError } from '../errors.ts';

/** The global-minimum product of a network and where the closed form of THEORY §13.2 is proven. */
export interface GlobalMinimum {
  /** P* = U_[r]U_[r]ᵀΣ_YXΣ_XX^{−1}, r = r_max (THEORY §5.4); the OLS map when rank(A) ≤ r_max. */
  readonly product: Mat;
  /** Loss at the minimum. */
  readonly loss: number;
  /** False when λ_r = λ_{r+1}: the minimising product is then not unique (§13.4). */
  readonly unique: boolean;
  /** True when the minimum is rank-constrained (G = P*Σ_XX − Σ_YX ≠ 0; bottleneck widths, §13.4). */
  readonly bottleneck: boolean;
}

/** The global minimum of ½‖Y − W_N⋯W_1X‖² over widths dims (THEORY §5.4, §13.1). */
export function globalMinimum(stats: Stats, dims: readonly number[]): GlobalMinimum {
  validateDims(dims);
  if (dims[0] !== stats.dx || dims[dims.length - 1] !== stats.dy) {
    throw new InputError(`the widths ${dims.join(',')} map ${dims[0]} → ${dims[dims.length - 1]} but the data have d_x = ${stats.dx}, d_y = ${stats.dy}`);
  }
  const r = maxRank(dims);
  const best = bestRankR(stats, r);
  const lambda = dataSpectrum(stats).lambda;
  const bottleneck = r < stats.dy && lambda[r] > 1e-12 * lambda[0];
  return { product: best.product, loss: best.loss, unique: best.unique, bottleneck };
}

/** Symmetric square root S = Σ^{1/2} of a PSD matrix (eigenvalues clipped at 0). */
export function sqrtPsd(a: Mat): Mat {
  const { values, vectors } = eigh(a);
  const n = a.rows, out = zeros(n, n);
  for (let k = 0; k < n; k++) {
    const s = Math.sqrt(Math.max(values[k], 0));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.data[i * n + j] += vectors.data[i * n + k] * s * vectors.data[j * n + k];
  }
  return out;
}

/**
 * The balanced factorisation of THEORY §3.5 of a product P (d_N×d_0) into widths dims:
 * W_1 = O_1 diag(s^{1/N}) V̄ᵀ, W_j = O_j diag(s^{1/N}) O_{j−1}ᵀ, W_N = Ū diag(s^{1/N}) O_{N−1}ᵀ with
 * O_j the first k = r_max columns of I_{d_j}; exact only when rank P ≤ r_max.
 */
export function balancedFactorization(product: Mat, dims: readonly number[]): Weights {
  validateDims(dims);
  const n = dims.length - 1, k = maxRank(dims);
  const tall = product.rows >= product.cols;
  const f = svd(tall ? product : transposed(product));
  // product = u diag(s) vt (tall) or (u diag(s) vt)ᵀ = vtᵀ diag(s) uᵀ.
  const left = (i: number, c: number): number => (tall ? f.u.data[i * f.u.cols + c] : f.vt.data[c * f.vt.cols + i]);
  const right = (i: number, c: number): number => (tall ? f.vt.data[c * f.vt.cols + i] : f.u.data[i * f.u.cols + c]);
  const root = Array.from({ length: k }, (_, c) => (c < f.s.length ? f.s[c] ** (1 / n) : 0));
  const w: Weights = [];
  for (let j = 1; j <= n; j++) {
    const out = zeros(dims[j], dims[j - 1]);
    for (let c = 0; c < k; c++) {
      for (let a = 0; a < dims[j]; a++) {
        const l = j === n ? left(a, c) : a === c ? 1 : 0;
        if (l === 0) continue;
        for (let b = 0; b < dims[j - 1]; b++) {
          const r = j === 1 ? right(b, c) : b === c ? 1 : 0;
          out.data[a * dims[j - 1] + b] += l * root[c] * r;
        }
      }
    }
    w.push(out);
  }
  return w;
}

/** The closed form of THEORY §13.2 with the vector v that attains the maximum. */
export interface FlatClosedForm {
  /** λ_flat^cf = N·max_{‖v‖=1} ‖P*Sv‖^{2(N−1)/N}‖Sv‖^{2/N}, S = Σ_XX^{1/2}. */
  readonly lambda: number;
  /** 2/λ_flat^cf: the largest step at which GD can be linearly stable at some global minimum. */
  readonly eta: number;
  /** N‖P*‖^{2(N−1)/N}·λ_max(Σ_XX)^{…}: the whitened formula N c‖P*‖^{2(N−1)/N} when Σ_XX = cI (an upper bound in general, §13.2). */
  readonly upper: number;
  /** Whether λ_flat = λ_flat^cf is proven (no bottleneck) rather than only observed numerically (§13.4). */
  readonly proven: boolean;
}

/**
 * The flattest sharpness over the global minima in closed form (THEORY §13.2): N·max over unit v of
 * (vᵀBv)^{(N−1)/N}(vᵀΣ_XXv)^{1/N}, B = S P*ᵀP* S, evaluated as N·min_τ λ_max(a e^{bτ}B + b e^{−aτ}Σ_XX)
 * (a = (N−1)/N, b = 1/N; convex in τ, equal to the maximum for d_0 ≥ 3 by Brickman's theorem) and
 * by a search over the angle for d_0 ≤ 2.
 */
export function flatSharpnessClosedForm(stats: Stats, dims: readonly number[]): FlatClosedForm {
  const min = globalMinimum(stats, dims);
  const n = dims.length - 1, sxx = stats.sxx;
  const s = sqrtPsd(sxx);
  const ps = matmul(zeros(min.product.rows, s.cols), min.product, s);
  const b = matmulTN(zeros(s.cols, s.cols), ps, ps);
  const a1 = (n - 1) / n, b1 = 1 / n;
  const topB = maxEig(b), topS = maxEig(sxx);
  let value: number;
  if (n === 1 || topB === 0) value = n === 1 ? topS : 0;
  else if (stats.dx >= 3) value = minimaxValue(b, sxx, a1, b1, topB, topS);
  else value = angleSearch(b, sxx, a1, b1);
  const lambda = n * value;
  const upper = n * topB ** a1 * topS ** b1;
  return { lambda, eta: 2 / lambda, upper, proven: !min.bottleneck };
}

function maxEig(a: Mat): number {
  const v = eigvalsh(a);
  return Math.max(v[v.length - 1], 0);
}

/** min_τ λ_max(a e^{bτ}B + b e^{−aτ}Σ) by golden section on a bracket that holds the minimiser (§13.2). */
function minimaxValue(bm: Mat, sxx: Mat, a: number, b: number, topB: number, topS: number): number {
  const n = bm.rows, m = zeros(n, n);
  const ev = eigvalsh(sxx), minS = Math.max(ev[0], Number.MIN_VALUE);
  const f = (tau: number): number => {
    const cb = a * Math.exp(b * tau), cs = b * Math.exp(-a * tau);
    for (let i = 0; i < n * n; i++) m.data[i] = cb * bm.data[i] + cs * sxx.data[i];
    return maxEig(m);
  };
  // At the optimum t = e^τ = vᵀΣv / vᵀBv lies in [λ_min(Σ)/‖B‖, ‖Σ‖κ(Σ)^{b/a}/‖B‖] (THEORY §13.2).
  let lo = Math.log(minS / topB) - 1, hi = Math.log((topS * (topS / minS) ** (b / a)) / topB) + 1;
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo), f1 = f(x1), f2 = f(x2);
  for (let it = 0; it < 200 && hi - lo > 1e-13 * Math.max(1, Math.abs(lo)); it++) {
    if (f1 <= f2) { hi = x2; x2 = x1; f2 = f1; x1 = hi - g * (hi - lo); f1 = f(x1); }
    else { lo = x1; x1 = x2; f1 = f2; x2 = lo + g * (hi - lo); f2 = f(x2); }
  }
  return Math.min(f1, f2);
}

/** max over the unit circle (d_0 = 2) of (vᵀBv)^a (vᵀΣv)^b: a grid, then golden section around the best point. */
function angleSearch(bm: Mat, sxx: Mat, a: number, b: number): number {
  const n = bm.rows;
  const q = (m: Mat, c: number, s: number): number => (n === 1 ? m.data[0] : c * c * m.data[0] + 2 * c * s * m.data[1] + s * s * m.data[3]);
  const phi = (t: number): number => { const c = Math.cos(t), s = Math.sin(t); return Math.max(q(bm, c, s), 0) ** a * Math.max(q(sxx, c, s), 0) ** b; };
  if (n === 1) return phi(0);
  const grid = 3600;
  let best = 0;
  for (let i = 1; i < grid; i++) if (phi((Math.PI * i) / grid) > phi((Math.PI * best) / grid)) best = i;
  let lo = (Math.PI * (best - 1)) / grid, hi = (Math.PI * (best + 1)) / grid;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 100; it++) {
    const x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
    if (phi(x1) >= phi(x2)) hi = x2; else lo = x1;
  }
  return Math.max(phi((lo + hi) / 2), phi((Math.PI * best) / grid));
}
