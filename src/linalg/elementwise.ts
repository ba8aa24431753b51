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
