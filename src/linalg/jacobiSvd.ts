/**
 * One-sided (Hestenes) Jacobi SVD of the column-major m×n matrix g (m ≥ n), in place: plane
 * rotations from the right orthogonalise the columns of g until every pair has
 * |g_pᵀg_q| ≤ tol·‖g_p‖·‖g_q‖, with de Rijk's pivoting (the largest remaining column moved to the
 * front at each step of a sweep). On return column j of g is σ_j·u_j, and row j of vt (n×n, when
 * given) is v_j, so that a = Σ_j g_j·vt_j. Returns the column norms σ_j (unsorted).
 * The rotation is Rutishauser's: ζ = (‖g_q‖² − ‖g_p‖²)/(2·g_pᵀg_q), t = sign(ζ)/(|ζ| + √(1 + ζ²)).
 * Backward error and the orthogonality of u and v are a small multiple of ε (Demmel–Veselić,
 * "Jacobi's method is more accurate than QR", SIAM J. Matrix Anal. Appl. 13, 1992; de Rijk,
 * SIAM J. Sci. Stat. Comput. 10, 1989). The caller scales g so that its entries are O(1).
 */
export function jacobiSvd(g: Float64Array, m: number, n: number, vt: Float64Array | null, tol = Number.EPSILON, maxSweeps = 40): Float64Array {
  if (vt !== null) { vt.fill(0); for (let j = 0; j < n; j++) vt[j * n + j] = 1; }
  const norm2 = new Float64Array(n);
  const columnNorm2 = (j: number): number => {
    let s = 0;
    for (let i = j * m, end = i + m; i < end; i++) s += g[i] * g[i];
    return s;
  };
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    for (let j = 0; j < n; j++) norm2[j] = columnNorm2(j);
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      // de Rijk: bring the column of largest norm among p..n−1 to position p.
      let best = p;
      for (let j = p + 1; j < n; j++) if (norm2[j] > norm2[best]) best = j;
      if (best !== p) {
        swapRows(g, m, p, best);
        if (vt !== null) swapRows(vt, n, p, best);
        const t = norm2[p]; norm2[p] = norm2[best]; norm2[best] = t;
      }
      for (let q = p + 1; q < n; q++) {
        const alpha = norm2[p], beta = norm2[q];
        if (alpha === 0 || beta === 0) continue;
        const op = p * m, oq = q * m;
        let gamma = 0;
        for (let i = 0; i < m; i++) gamma += g[op + i] * g[oq + i];
        if (Math.abs(gamma) <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const az = Math.abs(zeta);
        const t = (zeta >= 0 ? 1 : -1) / (az > 1e150 ? 2 * az : az + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t, tau = s / (1 + c);
        rotate(g, op, oq, m, s, tau);
        if (vt !== null) rotate(vt, p * n, q * n, n, s, tau);
        norm2[p] = columnNorm2(p);
        norm2[q] = columnNorm2(q);
      }
    }
    if (!rotated) break;
  }
  const sigma = new Float64Array(n);
  for (let j = 0; j < n; j++) sigma[j] = Math.sqrt(columnNorm2(j));
  return sigma;
}

/** Swaps the length-len blocks p and q of x. */
function swapRows(x: Float64Array, len: number, p: number, q: number): void {
  for (let i = 0, op = p * len, oq = q * len; i < len; i++) { const t = x[op + i]; x[op + i] = x[oq + i]; x[oq + i] = t; }
}

/**
 * (x_p, x_q) ← (c·x_p − s·x_q, s·x_p + c·x_q) on the length-len blocks at offsets op and oq, in
 * Rutishauser's form x_p − s·(x_q + τ·x_p), x_q + s·(x_p − τ·x_q) with τ = s/(1 + c) = tan(θ/2): the
 * rounding is proportional to the angle, not to |x|.
 */
function rotate(x: Float64Array, op: number, oq: number, len: number, s: number, tau: number): void {
  for (let i = 0; i < len; i++) {
    const xp = x[op + i], xq = x[oq + i];
    x[op + i] = xp - s * (xq + tau * xp);
    x[oq + i] = xq + s * (xp - tau * xq);
  }
}
