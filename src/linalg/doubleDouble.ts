/**
 * Double-double kernels for the Jacobi polish (jacobiPolish.ts): a value is an unevaluated sum
 * hi + lo with |lo| ≤ ulp(hi)/2, about 106 bits. Error-free transformations without FMA: Knuth's
 * TwoSum and Dekker's TwoProduct with Veltkamp splitting (Dekker, "A floating-point technique for
 * extending the available precision", Numer. Math. 18, 1971; Ogita–Rump–Oishi, "Accurate sum and
 * dot product", SIAM J. Sci. Comput. 26, 2005). Vectors are pairs of Float64Arrays (hi, lo) read at
 * an offset with unit stride; results of scalar operations land in the caller's two-element register
 * dd (dd[0] = hi, dd[1] = lo), passed first: no allocation, and no state shared between callers.
 */

const SPLITTER = 134217729; // 2^27 + 1

/** dd ← a·b exactly (TwoProduct); |a·b| must stay below ~1e300. */
export function twoProd(dd: Float64Array, a: number, b: number): void {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b), bl = b - bh;
  dd[0] = p;
  dd[1] = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** dd ← (ah + al)·(bh + bl) rounded to double-double. */
export function mulDD(dd: Float64Array, ah: number, al: number, bh: number, bl: number): void {
  twoProd(dd, ah, bh);
  const p = dd[0], e = dd[1] + (ah * bl + al * bh);
  const s = p + e;
  dd[0] = s; dd[1] = e - (s - p);
}

/** dd ← (ah + al) + (bh + bl) rounded to double-double. */
export function addDD(dd: Float64Array, ah: number, al: number, bh: number, bl: number): void {
  const s = ah + bh, bb = s - ah;
  const e = (ah - (s - bb)) + (bh - bb) + al + bl;
  const h = s + e;
  dd[0] = h; dd[1] = e - (h - s);
}

/** dd ← Σ_i x_i·y_i over len entries from offsets xo, yo; a null lo array reads as zeros. */
export function dotDD(dd: Float64Array, xh: Float64Array, xl: Float64Array | null, xo: number, yh: Float64Array, yl: Float64Array | null, yo: number, len: number): void {
  let sh = 0, sl = 0;
  for (let i = 0; i < len; i++) {
    const a = xh[xo + i], b = yh[yo + i];
    const p = a * b;
    let t = SPLITTER * a;
    const a1 = t - (t - a), a2 = a - a1;
    t = SPLITTER * b;
    const b1 = t - (t - b), b2 = b - b1;
    let e = ((a1 * b1 - p) + a1 * b2 + a2 * b1) + a2 * b2;
    if (xl !== null) e += xl[xo + i] * b;
    if (yl !== null) e += a * yl[yo + i];
    const s = sh + p, bb = s - sh;
    sl += (sh - (s - bb)) + (p - bb) + e;
    sh = s;
  }
  const h = sh + sl;
  dd[0] = h; dd[1] = sl - (h - sh);
}

/** dd ← √(ah + al) (one Newton step from the double square root). */
export function sqrtDD(dd: Float64Array, ah: number, al: number): void {
  if (ah <= 0) { dd[0] = 0; dd[1] = 0; return; }
  const r = Math.sqrt(ah);
  twoProd(dd, r, r);
  const corr = ((ah - dd[0]) - dd[1] + al) / (2 * r);
  const h = r + corr;
  dd[0] = h; dd[1] = corr - (h - r);
}

/**
 * (x_p, x_q) ← (c·x_p − s·x_q, s·x_p + c·x_q) in double-double on the length-len blocks at offsets
 * op and oq of (xh, xl), with c = ch + cl and s = sh + sl.
 */
export function rotateDD(dd: Float64Array, xh: Float64Array, xl: Float64Array, op: number, oq: number, len: number, ch: number, cl: number, sh: number, sl: number): void {
  for (let i = 0; i < len; i++) {
    const ph = xh[op + i], pl = xl[op + i], qh = xh[oq + i], ql = xl[oq + i];
    mulDD(dd, ch, cl, ph, pl); const a0 = dd[0], a1 = dd[1];
    mulDD(dd, sh, sl, qh, ql); const b0 = dd[0], b1 = dd[1];
    addDD(dd, a0, a1, -b0, -b1); xh[op + i] = dd[0]; xl[op + i] = dd[1];
    mulDD(dd, sh, sl, ph, pl); const c0 = dd[0], c1 = dd[1];
    mulDD(dd, ch, cl, qh, ql);
    addDD(dd, c0, c1, dd[0], dd[1]); xh[oq + i] = dd[0]; xl[oq + i] = dd[1];
  }
}

/**
 * dd-rotation (c, s) with c² + s² = 1 to double-double accuracy from the double tangent t:
 * c = 1/√(1 + t²), s = t·c. Returns c in out[0..1], s in out[2..3].
 */
export function rotationDD(dd: Float64Array, t: number, out: Float64Array): void {
  twoProd(dd, t, t);
  addDD(dd, 1, 0, dd[0], dd[1]);
  sqrtDD(dd, dd[0], dd[1]);
  const rh = dd[0], rl = dd[1];
  // c = 1/r: q = 1/rh, one Newton correction q + q·(1 − q·r).
  const q = 1 / rh;
  mulDD(dd, q, 0, rh, rl);
  addDD(dd, 1, 0, -dd[0], -dd[1]);
  const corr = q * dd[0];
  const ch = q + corr, cl = corr - (ch - q);
  out[0] = ch; out[1] = cl;
  mulDD(dd, t, 0, ch, cl);
  out[2] = dd[0]; out[3] = dd[1];
}
