/**
 * Cyclic Jacobi eigen-decomposition of the symmetric n×n matrix w (row-major, both triangles
 * filled), in place: rotations J_pqᵀ·w·J_pq annihilate w_pq row by row until every off-diagonal
 * entry has |w_pq| ≤ tol·√|w_pp·w_qq| or is negligible beside ‖w‖ (Demmel–Veselić's stopping rule).
 * On return the diagonal of w holds the eigenvalues (unsorted) and row k of vt (n×n, when given) the
 * unit eigenvector of the k-th. Rotations use Rutishauser's stable formulas: θ = (w_qq − w_pp)/(2w_pq),
 * t = sign(θ)/(|θ| + √(1 + θ²)), τ = s/(1 + c), and the diagonal updates are summed per sweep
 * (Rutishauser, "The Jacobi method for real symmetric matrices", Numer. Math. 9, 1966; Demmel–Veselić,
 * SIAM J. Matrix Anal. Appl. 13, 1992). The caller scales w so that its entries are O(1).
 */
export function jacobiEigh(w: Float64Array, n: number, vt: Float64Array | null, tol = Number.EPSILON, maxSweeps = 50): Float64Array {
  if (vt !== null) { vt.fill(0); for (let k = 0; k < n; k++) vt[k * n + k] = 1; }
  const d = new Float64Array(n), b = new Float64Array(n), z = new Float64Array(n);
  let frob2 = 0;
  for (let i = 0; i < n * n; i++) frob2 += w[i] * w[i];
  const negligible = Number.EPSILON * Number.EPSILON * 1e-4 * frob2 / Math.max(1, n * n);
  for (let k = 0; k < n; k++) { d[k] = w[k * n + k]; b[k] = d[k]; }
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = w[p * n + q];
        if (apq === 0) continue;
        if (Math.abs(apq) <= tol * Math.sqrt(Math.abs(d[p])) * Math.sqrt(Math.abs(d[q])) || apq * apq <= negligible) {
          w[p * n + q] = 0; w[q * n + p] = 0;
          continue;
        }
        rotated = true;
        const theta = (d[q] - d[p]) / (2 * apq), at = Math.abs(theta);
        const t = (theta >= 0 ? 1 : -1) / (at > 1e150 ? 2 * at : at + Math.sqrt(1 + theta * theta));
        const c = 1 / Math.sqrt(1 + t * t), s = t * c, tau = s / (1 + c), h = t * apq;
        z[p] -= h; z[q] += h; d[p] -= h; d[q] += h;
        w[p * n + q] = 0; w[q * n + p] = 0;
        for (let r = 0; r < n; r++) {
          if (r === p || r === q) continue;
          const arp = w[r * n + p], arq = w[r * n + q];
          const np = arp - s * (arq + tau * arp), nq = arq + s * (arp - tau * arq);
          w[r * n + p] = np; w[p * n + r] = np;
          w[r * n + q] = nq; w[q * n + r] = nq;
        }
        if (vt !== null) {
          for (let i = 0, op = p * n, oq = q * n; i < n; i++) {
            const vp = vt[op + i], vq = vt[oq + i];
            vt[op + i] = vp - s * (vq + tau * vp);
            vt[oq + i] = vq + s * (vp - tau * vq);
          }
        }
      }
    }
    for (let k = 0; k < n; k++) { b[k] += z[k]; d[k] = b[k]; z[k] = 0; }
    if (!rotated) break;
  }
  for (let k = 0; k < n; k++) w[k * n + k] = d[k];
  return d;
}
