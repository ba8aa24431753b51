import { type Mat, type Rng, zeros, matmul, eigh, randomNormal } from '../linalg/index.ts';
import { type Stats, type Weights, hessian, parameterOffsets } from '../model/index.ts';
import { balancedFactorization, globalMinimum } from './flatMinima.ts';

/** Options of flatMinimumSearch. */
export interface FlatSearchOptions {
  /** Seeded generator for the random starting gauges. */
  readonly rng: Rng;
  /** Random starting gauges (default 8). */
  readonly starts?: number;
  /** Gradient steps per start over all smoothing phases (default 400). */
  readonly iterations?: number;
  /** Standard deviation of the entries of log G_j at the start (default 1: condition numbers ~e^4). */
  readonly spread?: number;
}

/** The outcome of the numerical search of THEORY §13.3. */
export interface FlatSearchResult {
  /** The smallest λ_max(∇²L) found over all starts. */
  readonly lambda: number;
  /** The global minimum that attains it. */
  readonly weights: Weights;
  /** The sharpness each start ended at, and where it began. */
  readonly perStart: readonly { start: number; end: number }[];
  /** max relative ‖W_N⋯W_1 − P*‖_F/‖P*‖_F over the returned weights (gauges keep the product up to rounding). */
  readonly productError: number;
}

/** exp(±E) for a symmetric E (both from one eigen-decomposition): the SPD gauge of THEORY §13.3. */
function expSym(e: Mat): { g: Mat; inv: Mat } {
  const { values, vectors } = eigh(e);
  const n = e.rows, g = zeros(n, n), inv = zeros(n, n);
  for (let k = 0; k < n; k++) {
    const up = Math.exp(values[k]), down = Math.exp(-values[k]);
    for (let i = 0; i < n; i++) {
      const vi = vectors.data[i * n + k];
      for (let j = 0; j < n; j++) { const v = vi * vectors.data[j * n + k]; g.data[i * n + j] += up * v; inv.data[i * n + j] += down * v; }
    }
  }
  return { g, inv };
}

/** The gauged weights W_j ← exp(E_j) W_j exp(−E_{j−1}) (E_0 = E_N = 0): the product is unchanged. */
function applyGauges(w: Weights, logs: readonly Mat[]): Weights {
  const n = w.length, ex = logs.map(expSym);
  return w.map((wj, j) => {
    let out = wj;
    if (j < n - 1) out = matmul(zeros(out.rows, out.cols), ex[j].g, out);
    if (j > 0) out = matmul(zeros(out.rows, out.cols), out, ex[j - 1].inv);
    return out;
  });
}

/** Smoothed sharpness f_β = λ_max + log Σ e^{β(λ_i−λ_max)}/β and its gradient in the hidden gauges' logarithms (§13.3). */
function evaluate(w: Weights, stats: Stats, dims: readonly number[], beta: number): { f: number; top: number; grad: Mat[] } {
  const h = hessian(w, stats), p = h.rows, o = parameterOffsets(dims), n = dims.length - 1;
  const { values, vectors } = eigh(h);
  const top = values[p - 1];
  const grad = dims.slice(1, -1).map((d) => zeros(d, d));
  let z = 0;
  const used: { k: number; wt: number }[] = [];
  for (let k = p - 1; k >= 0 && beta * (top - values[k]) < 40; k--) { const wt = Math.exp(beta * (values[k] - top)); z += wt; used.push({ k, wt }); }
  for (const { k, wt } of used) {
    // ∂λ_k/∂E_j = −2λ_k (U_jU_jᵀ − U_{j+1}ᵀU_{j+1}), U_j = block j of eigenvector k (d_j×d_{j−1}).
    const c = (-2 * values[k] * wt) / z;
    for (let j = 1; j < n; j++) {
      const gj = grad[j - 1], dj = dims[j], dl = dims[j - 1], dr = dims[j + 1];
      const u = (row: number, col: number, blk: number, cols: number): number => vectors.data[(o[blk] + row * cols + col) * p + k];
      for (let a = 0; a < dj; a++) {
        for (let b = 0; b < dj; b++) {
          let s = 0;
          for (let t = 0; t < dl; t++) s += u(a, t, j - 1, dl) * u(b, t, j - 1, dl);
          for (let t = 0; t < dr; t++) s -= u(t, a, j, dj) * u(t, b, j, dj);
          gj.data[a * dj + b] += c * s;
        }
      }
    }
  }
  return { f: top + Math.log(z) / beta, top, grad };
}

function relativeProductError(w: Weights, target: Mat): number {
  let p = w[0];
  for (let j = 1; j < w.length; j++) p = matmul(zeros(w[j].rows, p.cols), w[j], p);
  let num = 0, den = 0;
  for (let i = 0; i < p.data.length; i++) { num += (p.data[i] - target.data[i]) ** 2; den += target.data[i] ** 2; }
  return Math.sqrt(num / Math.max(den, Number.MIN_VALUE));
}

/**
 * λ_flat numerically (THEORY §13.3): from random SPD gauges of the balanced global minimum, gradient
 * descent with backtracking on the smoothed sharpness f_β over log G_j (β raised in four phases up to
 * 10⁹/λ_max), using the gauge law ∇²L(g·W) = Dg^{−T}∇²L(W)Dg^{−1} at critical points for the gradient.
 */
export function flatMinimumSearch(stats: Stats, dims: readonly number[], options: FlatSearchOptions): FlatSearchResult {
  const min = globalMinimum(stats, dims);
  const base = balancedFactorization(min.product, dims);
  const starts = options.starts ?? 8, iterations = options.iterations ?? 400, spread = options.spread ?? 1;
  const hidden = dims.slice(1, -1);
  let best: { lambda: number; weights: Weights } | null = null;
  const perStart: { start: number; end: number }[] = [];
  for (let s = 0; s < starts; s++) {
    const logs = hidden.map((d) => { const r = randomNormal(d, d, options.rng, spread), e = zeros(d, d); for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) e.data[i * d + j] = 0.5 * (r.data[i * d + j] + r.data[j * d + i]); return e; });
    let w = hidden.length > 0 ? applyGauges(base, logs) : base;
    const startLambda = evaluate(w, stats, dims, 1).top;
    let step = 0.1 / Math.max(startLambda, Number.MIN_VALUE);
    for (const c of hidden.length > 0 ? [1e2, 1e4, 1e6, 1e9] : []) {
      let cur = evaluate(w, stats, dims, c / startLambda);
      for (let it = 0; it < iterations / 4; it++) {
        const beta = c / cur.top;
        cur = evaluate(w, stats, dims, beta);
        const g2 = cur.grad.reduce((acc, g) => acc + g.data.reduce((x, v) => x + v * v, 0), 0);
        if (!(g2 > 0)) break;
        let accepted = false;
        for (let tries = 0; tries < 40 && !accepted; tries++) {
          const trial = applyGauges(w, cur.grad.map((g) => { const e = zeros(g.rows, g.cols); for (let i = 0; i < e.data.length; i++) e.data[i] = -step * g.data[i]; return e; }));
          const next = evaluate(trial, stats, dims, beta);
          if (Number.isFinite(next.f) && next.f <= cur.f - 1e-4 * step * g2) { w = trial; accepted = true; step *= 1.5; }
          else step *= 0.5;
        }
        if (!accepted) break;
      }
    }
    const end = evaluate(w, stats, dims, 1).top;
    perStart.push({ start: startLambda, end });
    if (best === null || end < best.lambda) best = { lambda: end, weights: w };
  }
  if (best === null) throw new RangeError('flatMinimumSearch: starts must be at least 1');
  return { lambda: best.lambda, weights: best.weights, perStart, productError: relativeProductError(best.weights, min.product) };
}
