import { addDD, dotDD, mulDD, rotateDD, rotationDD, sqrtDD } from './doubleDouble.ts';

/**
 * Double-double polish of the double-precision Jacobi results (jacobiEigh.ts, jacobiSvd.ts), so that
 * the returned factors are the roundings of factors exact to ~ε²: residual and orthogonality then sit
 * at the rounding floor, below LAPACK's few-ε. Steps: one Newton–Schulz step V ← V + V(I − VᵀV)/2 in
 * double-double (the double sweeps leave VᵀV − I = O(ε), so the step leaves O(ε²)); the reduced
 * matrix (VᵀAV, or AV for the SVD) formed in double-double; then Jacobi sweeps in double-double with
 * rotations whose c² + s² = 1 holds to ~ε², until the off-diagonal measure is below 1e-20 relative
 * (one or two sweeps: Jacobi converges quadratically, and the first sweep starts at O(ε)). This is
 * mixed-precision refinement in the sense of Ogita–Aishima ("Iterative refinement for symmetric
 * eigenvalue decomposition", Japan J. Indust. Appl. Math. 35, 2018), with Jacobi as the corrector.
 */

const REL_TOL = 1e-20;
const MAX_SWEEPS = 6;
/** Rows 0..k−1 (length len) of (vh, vl) made orthonormal to ~ε² by one Newton–Schulz step. */
function orthonormalizeRows(vh: Float64Array, vl: Float64Array, k: number, len: number): void {
  const mat = new Float64Array(k * k), corr = new Float64Array(k * len), dd = new Float64Array(2);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      dotDD(dd, vh, vl, i * len, vh, vl, j * len, len);
      addDD(dd, i === j ? 1 : 0, 0, -dd[0], -dd[1]);
      mat[i * k + j] = dd[0]; mat[j * k + i] = dd[0];
    }
  }
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const mij = 0.5 * mat[i * k + j];
      if (mij === 0) continue;
      for (let x = 0; x < len; x++) corr[i * len + x] += mij * vh[j * len + x];
    }
  }
  for (let i = 0; i < k * len; i++) { addDD(dd, vh[i], vl[i], corr[i], 0); vh[i] = dd[0]; vl[i] = dd[1]; }
}

/** Jacobi tangent t = sign(θ)/(|θ| + √(1 + θ²)). */
function tangent(theta: number): number {
  const at = Math.abs(theta);
  return (theta >= 0 ? 1 : -1) / (at > 1e150 ? 2 * at : at + Math.sqrt(1 + theta * theta));
}

/**
 * Polishes a symmetric eigen-decomposition: a is the scaled n×n matrix (row-major, both triangles),
 * vt (n×n, row k = eigenvector k) comes from jacobiEigh and is overwritten by the polished vectors.
 * Returns the eigenvalues (unsorted, in the order of vt's rows).
 */
export function polishEigh(a: Float64Array, n: number, vt: Float64Array): Float64Array {
  const vh = Float64Array.from(vt), vl = new Float64Array(n * n);
  const dd = new Float64Array(2), cs = new Float64Array(4); // double-double result register, rotation (c, s)
  orthonormalizeRows(vh, vl, n, n);
  const bh = new Float64Array(n * n), bl = new Float64Array(n * n);
  for (let l = 0; l < n; l++) {
    for (let i = 0; i < n; i++) { dotDD(dd, a, null, i * n, vh, vl, l * n, n); bh[l * n + i] = dd[0]; bl[l * n + i] = dd[1]; }
  }
  const wh = new Float64Array(n * n), wl = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    for (let l = 0; l <= k; l++) {
      dotDD(dd, vh, vl, k * n, bh, bl, l * n, n);
      wh[k * n + l] = dd[0]; wl[k * n + l] = dd[1]; wh[l * n + k] = dd[0]; wl[l * n + k] = dd[1];
    }
  }
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = wh[p * n + q], pp = p * n + p, qq = q * n + q;
        if (apq === 0) continue;
        if (Math.abs(apq) <= REL_TOL * Math.sqrt(Math.abs(wh[pp])) * Math.sqrt(Math.abs(wh[qq]))) continue;
        rotated = true;
        addDD(dd, wh[qq], wl[qq], -wh[pp], -wl[pp]);
        rotationDD(dd, tangent(dd[0] / (2 * apq)), cs);
        const [ch, cl, sh, sl] = cs;
        // W ← JᵀW (rows p, q), then columns p, q by symmetry, then the 2×2 block from the right.
        rotateDD(dd, wh, wl, p * n, q * n, n, ch, cl, sh, sl);
        for (let r = 0; r < n; r++) {
          if (r === p || r === q) continue;
          wh[r * n + p] = wh[p * n + r]; wl[r * n + p] = wl[p * n + r];
          wh[r * n + q] = wh[q * n + r]; wl[r * n + q] = wl[q * n + r];
        }
        rotateBlock(dd, wh, wl, n, p, q, ch, cl, sh, sl);
        rotateDD(dd, vh, vl, p * n, q * n, n, ch, cl, sh, sl);
      }
    }
    if (!rotated) break;
  }
  vt.set(vh);
  const d = new Float64Array(n);
  for (let k = 0; k < n; k++) d[k] = wh[k * n + k];
  return d;
}

/**
 * Right rotation of the 2×2 block (p, q) of w, whose rows p and q were already rotated from the
 * left: (x_p, x_q) ← (c·x_p − s·x_q, s·x_p + c·x_q) within each of the two rows; the off-diagonal
 * pair is then symmetrised.
 */
function rotateBlock(dd: Float64Array, wh: Float64Array, wl: Float64Array, n: number, p: number, q: number,
  ch: number, cl: number, sh: number, sl: number): void {
  const pp = p * n + p, pq = p * n + q, qp = q * n + p, qq = q * n + q;
  // Row p: new (pp, pq); row q: new (qp, qq).
  mulDD(dd, ch, cl, wh[pp], wl[pp]); let a0 = dd[0], a1 = dd[1];
  mulDD(dd, sh, sl, wh[pq], wl[pq]); addDD(dd, a0, a1, -dd[0], -dd[1]); const newPpH = dd[0], newPpL = dd[1];
  mulDD(dd, sh, sl, wh[pp], wl[pp]); a0 = dd[0]; a1 = dd[1];
  mulDD(dd, ch, cl, wh[pq], wl[pq]); addDD(dd, a0, a1, dd[0], dd[1]); const newPqH = dd[0], newPqL = dd[1];
  mulDD(dd, ch, cl, wh[qp], wl[qp]); a0 = dd[0]; a1 = dd[1];
  mulDD(dd, sh, sl, wh[qq], wl[qq]); addDD(dd, a0, a1, -dd[0], -dd[1]); const newQpH = dd[0], newQpL = dd[1];
  mulDD(dd, sh, sl, wh[qp], wl[qp]); a0 = dd[0]; a1 = dd[1];
  mulDD(dd, ch, cl, wh[qq], wl[qq]); addDD(dd, a0, a1, dd[0], dd[1]);
  wh[qq] = dd[0]; wl[qq] = dd[1]; wh[pp] = newPpH; wl[pp] = newPpL;
  addDD(dd, newPqH, newPqL, newQpH, newQpL);
  const h = 0.5 * dd[0], l = 0.5 * dd[1];
  wh[pq] = h; wl[pq] = l; wh[qp] = h; wl[qp] = l;
}

/**
 * Polishes a one-sided Jacobi SVD: a is the scaled m×n matrix (column-major, m ≥ n), vt (n×n, row j =
 * v_j) comes from jacobiSvd and is overwritten by the polished right vectors; u (column-major m×n)
 * receives the unit left vectors (a zero column where σ_j = 0). Returns σ (unsorted, order of vt's rows).
 */
export function polishSvd(a: Float64Array, m: number, n: number, vt: Float64Array, u: Float64Array): Float64Array {
  const vh = Float64Array.from(vt), vl = new Float64Array(n * n);
  const dd = new Float64Array(2), cs = new Float64Array(4); // double-double result register, rotation (c, s)
  orthonormalizeRows(vh, vl, n, n);
  // G = A·V in double-double: g_j[i] = Σ_k a[k·m + i]·v_j[k]; A's rows are read through a transposed copy.
  const at = new Float64Array(m * n);
  for (let k = 0; k < n; k++) for (let i = 0; i < m; i++) at[i * n + k] = a[k * m + i];
  const gh = new Float64Array(m * n), gl = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) { dotDD(dd, at, null, i * n, vh, vl, j * n, n); gh[j * m + i] = dd[0]; gl[j * m + i] = dd[1]; }
  }
  const nh = new Float64Array(n), nl = new Float64Array(n);
  const norm2 = (j: number): void => { dotDD(dd, gh, gl, j * m, gh, gl, j * m, m); nh[j] = dd[0]; nl[j] = dd[1]; };
  for (let j = 0; j < n; j++) norm2(j);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        if (nh[p] === 0 || nh[q] === 0) continue;
        dotDD(dd, gh, gl, p * m, gh, gl, q * m, m);
        const gamma = dd[0];
        if (Math.abs(gamma) <= REL_TOL * Math.sqrt(nh[p]) * Math.sqrt(nh[q])) continue;
        rotated = true;
        addDD(dd, nh[q], nl[q], -nh[p], -nl[p]);
        rotationDD(dd, tangent(dd[0] / (2 * gamma)), cs);
        const [ch, cl, sh, sl] = cs;
        rotateDD(dd, gh, gl, p * m, q * m, m, ch, cl, sh, sl);
        rotateDD(dd, vh, vl, p * n, q * n, n, ch, cl, sh, sl);
        norm2(p); norm2(q);
      }
    }
    if (!rotated) break;
  }
  vt.set(vh);
  const sigma = new Float64Array(n);
  let big = 0;
  for (let j = 0; j < n; j++) big = Math.max(big, nh[j]);
  for (let j = 0; j < n; j++) {
    // Columns at or below ε²·max are the double-double noise of exact null directions.
    if (nh[j] <= 1e-60 * big || nh[j] === 0) { for (let i = 0; i < m; i++) u[j * m + i] = 0; continue; }
    sqrtDD(dd, nh[j], nl[j]);
    const sh = dd[0], sl = dd[1];
    sigma[j] = sh;
    for (let i = 0; i < m; i++) {
      // u = (gh + gl)/(sh + sl), correctly rounded up to ~ε²: q + (gh − q·sh + gl − q·sl)/sh.
      const x = gh[j * m + i], qv = x / sh;
      const p = qv * sh;
      let t = 134217729 * qv;
      const q1 = t - (t - qv), q2 = qv - q1;
      t = 134217729 * sh;
      const s1 = t - (t - sh), s2 = sh - s1;
      const pe = ((q1 * s1 - p) + q1 * s2 + q2 * s1) + q2 * s2;
      u[j * m + i] = qv + (((x - p) - pe) + gl[j * m + i] - qv * sl) / sh;
    }
  }
  return sigma;
}
