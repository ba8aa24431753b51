import { getBackend } from './backend.ts';
import { type Mat, assertSameShape } from './mat.ts';

/** out = a + b; out may alias a or b. */
export function add(out: Mat, a: Mat, b: Mat): Mat {
  assertSameShape('add', a, b);
  assertSameShape('add', out, a);
  const o = out.data, x = a.data, y = b.data;
  for (let i = 0; i < o.length; i++) o[i] = x[i] + y[i];
  return out;
}

/** out = a − b; out may alias a or b. */
export function sub(out: Mat, a: Mat, b: Mat): Mat {
  assertSameShape('sub', a, b);
  assertSameShape('sub', out, a);
  const o = out.data, x = a.data, y = b.data;
  for (let i = 0; i < o.length; i++) o[i] = x[i] - y[i];
  return out;
}

/** out = s·a; out may alias a. */
export function scale(out: Mat, a: Mat, s: number): Mat {
  assertSameShape('scale', out, a);
  const o = out.data, x = a.data;
  for (let i = 0; i < o.length; i++) o[i] = s * x[i];
  return out;
}

/** y = y + s·x (BLAS axpy); returns y. */
export function axpy(y: Mat, s: number, x: Mat): Mat {
  assertSameShape('axpy', y, x);
  const o = y.data, d = x.data;
  for (let i = 0; i < o.length; i++) o[i] += s * d[i];
  return y;
}

/**
 * w[i] ← w[i] − eta·g[i] for i < w.length, in plain loops: the reference bits of descend (each entry
 * one rounded product and one rounded difference). g must be at least as long as w and not alias it.
 */
export function descendLoop(w: Float64Array, g: Float64Array, eta: number): void {
  const n = w.length;
  // Four entries per iteration (the same operation on each entry, so the same bits): faster on wide layers.
  let i = 0;
  for (; i + 3 < n; i += 4) {
    w[i] -= eta * g[i]; w[i + 1] -= eta * g[i + 1]; w[i + 2] -= eta * g[i + 2]; w[i + 3] -= eta * g[i + 3];
  }
  for (; i < n; i++) w[i] -= eta * g[i];
}

/**
 * w[i] ← w[i] − eta·g[i] for i < w.length (a gradient step on one layer), on the backend's kernel
 * where it has one (the native backend's, vectorised, on long arrays); the bits of descendLoop on every
 * backend. g must be at least as long as w and not alias it.
 */
export function descend(w: Float64Array, g: Float64Array, eta: number): void {
  const k = getBackend().descend;
  if (k === undefined) descendLoop(w, g, eta);
  else k(w, g, eta);
}

/**
 * Σ x_i² in plain loops, in dln's order for squared norms of long vectors: eight partial sums s_r over
 * the entries i ≡ r (mod 8) up to the last multiple of eight, the remaining entries added to s_0 in
 * order, then ((s_0 + s_1) + (s_2 + s_3)) + ((s_4 + s_5) + (s_6 + s_7)). Eight independent sums run
 * several times faster than one (a sum waits for the previous addition) and vectorise without
 * changing a bit, so every backend and engine gives these bits.
 */
export function sumSquaresLoop(x: Float64Array): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  const n = x.length;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const a0 = x[i], a1 = x[i + 1], a2 = x[i + 2], a3 = x[i + 3], a4 = x[i + 4], a5 = x[i + 5], a6 = x[i + 6], a7 = x[i + 7];
    s0 += a0 * a0; s1 += a1 * a1; s2 += a2 * a2; s3 += a3 * a3; s4 += a4 * a4; s5 += a5 * a5; s6 += a6 * a6; s7 += a7 * a7;
  }
  for (; i < n; i++) s0 += x[i] * x[i];
  return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
}

/** Σ x_i² (sumSquaresLoop's bits) on the backend's kernel where it has one. */
export function sumSquares(x: Float64Array): number {
  const k = getBackend().sumSquares;
  return k === undefined ? sumSquaresLoop(x) : k(x);
}

/** ⟨a, b⟩ = tr(aᵀb) = Σ a_ij b_ij. */
export function dot(a: Mat, b: Mat): number {
  assertSameShape('dot', a, b);
  const x = a.data, y = b.data;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/** Trace of a square (or the leading square part of a rectangular) matrix. */
export function trace(a: Mat): number {
  let s = 0;
  for (let i = 0; i < Math.min(a.rows, a.cols); i++) s += a.data[i * a.cols + i];
  return s;
}

/** Largest |a_ij − b_ij|. */
export function maxAbsDiff(a: Mat, b: Mat): number {
  assertSameShape('maxAbsDiff', a, b);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}
