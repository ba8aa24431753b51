import { type Mat, zeros } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/linalg/rng.ts';
import { statsFromData, type Stats, type Dataset } from '../../src/model/stats.ts';
import { lossAndGrad, createGradWorkspace } from '../../src/model/lossAndGrad.ts';
import { parameterCount } from '../../src/model/network.ts';

/** A Gaussian matrix with entries N(0, std²). */
export function gaussian(rows: number, cols: number, rng: Rng, std = 1): Mat {
  const a = zeros(rows, cols);
  rng.fillNormal(a.data, std);
  return a;
}

/** Random data X (d_x×m, N(0,1)), Y = A X + 0.1·noise with A Gaussian: Σ has distinct eigenvalues a.s. */
export function randomData(dx: number, dy: number, m: number, rng: Rng): Dataset {
  const x = gaussian(dx, m, rng), a = gaussian(dy, dx, rng), y = zeros(dy, m);
  for (let i = 0; i < dy; i++) {
    for (let s = 0; s < m; s++) {
      let v = 0.1 * rng.normal();
      for (let k = 0; k < dx; k++) v += a.data[i * dx + k] * x.data[k * m + s];
      y.data[i * m + s] = v;
    }
  }
  return { x, y };
}

export function randomStats(dx: number, dy: number, m: number, rng: Rng): Stats {
  return statsFromData(randomData(dx, dy, m, rng));
}

/** Random weights of the given widths, entries N(0, std²). */
export function randomWeights(dims: readonly number[], rng: Rng, std = 0.5): Mat[] {
  const w: Mat[] = [];
  for (let j = 1; j < dims.length; j++) w.push(gaussian(dims[j], dims[j - 1], rng, std));
  return w;
}

/** θ = [vec_r(W_1); …; vec_r(W_N)]. */
export function flatten(weights: readonly Mat[]): Float64Array {
  const p = weights.reduce((s, w) => s + w.data.length, 0);
  const out = new Float64Array(p);
  let o = 0;
  for (const w of weights) { out.set(w.data, o); o += w.data.length; }
  return out;
}

/** Weights of widths dims read from θ. */
export function unflatten(theta: Float64Array, dims: readonly number[]): Mat[] {
  const w: Mat[] = [];
  let o = 0;
  for (let j = 1; j < dims.length; j++) {
    const n = dims[j] * dims[j - 1];
    w.push({ rows: dims[j], cols: dims[j - 1], data: theta.slice(o, o + n) });
    o += n;
  }
  if (o !== parameterCount(dims)) throw new Error('unflatten: size mismatch');
  return w;
}

/** Loss and flattened gradient at θ. */
export function lossAndFlatGrad(theta: Float64Array, dims: readonly number[], stats: Stats): { loss: number; grad: Float64Array } {
  const w = unflatten(theta, dims);
  const g = w.map((m) => zeros(m.rows, m.cols));
  const loss = lossAndGrad(w, stats, g, createGradWorkspace(dims));
  return { loss, grad: flatten(g) };
}

/** max_i |a_i − b_i|. */
export function maxAbsDiffArr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** max_i |a_i|. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
