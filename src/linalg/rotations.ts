/**
 * Sequences of plane rotations applied from the right to the columns of a row-major matrix
 * (LAPACK dlasr with side 'R', pivot 'V'): z has `rows` rows of stride `ld`; rotation j acts on
 * columns j and j+1 as (z_j, z_{j+1}) ← (c·z_j + s·z_{j+1}, c·z_{j+1} − s·z_j). Shared by steqr and bdsqr.
 */

/**
 * z ← z·G_{hi−1}⋯G_lo on columns lo..hi (dlasr 'R','V','B'). Each row is one dependent chain of
 * rotations; four rows go side by side so that the chains overlap instead of waiting on each other.
 */
export function rotateBackward(z: Float64Array, rows: number, ld: number, lo: number, hi: number, cs: Float64Array, sn: Float64Array): void {
  let r = 0;
  for (; r + 4 * ld <= rows * ld; r += 4 * ld) {
    const r1 = r + ld, r2 = r1 + ld, r3 = r2 + ld;
    let k0 = z[r + hi], k1 = z[r1 + hi], k2 = z[r2 + hi], k3 = z[r3 + hi];
    for (let j = hi - 1; j >= lo; j--) {
      const c = cs[j], s = sn[j];
      const x0 = z[r + j], x1 = z[r1 + j], x2 = z[r2 + j], x3 = z[r3 + j];
      z[r + j + 1] = c * k0 - s * x0; k0 = s * k0 + c * x0;
      z[r1 + j + 1] = c * k1 - s * x1; k1 = s * k1 + c * x1;
      z[r2 + j + 1] = c * k2 - s * x2; k2 = s * k2 + c * x2;
      z[r3 + j + 1] = c * k3 - s * x3; k3 = s * k3 + c * x3;
    }
    z[r + lo] = k0; z[r1 + lo] = k1; z[r2 + lo] = k2; z[r3 + lo] = k3;
  }
  for (; r < rows * ld; r += ld) {
    let carry = z[r + hi];
    for (let j = hi - 1; j >= lo; j--) {
      const x = z[r + j], c = cs[j], s = sn[j];
      z[r + j + 1] = c * carry - s * x;
      carry = s * carry + c * x;
    }
    z[r + lo] = carry;
  }
}

/** z ← z·G_lo⋯G_{hi−1} on columns lo..hi (dlasr 'R','V','F'), four rows side by side as above. */
export function rotateForward(z: Float64Array, rows: number, ld: number, lo: number, hi: number, cs: Float64Array, sn: Float64Array): void {
  let r = 0;
  for (; r + 4 * ld <= rows * ld; r += 4 * ld) {
    const r1 = r + ld, r2 = r1 + ld, r3 = r2 + ld;
    let k0 = z[r + lo], k1 = z[r1 + lo], k2 = z[r2 + lo], k3 = z[r3 + lo];
    for (let j = lo; j < hi; j++) {
      const c = cs[j], s = sn[j];
      const x0 = z[r + j + 1], x1 = z[r1 + j + 1], x2 = z[r2 + j + 1], x3 = z[r3 + j + 1];
      z[r + j] = s * x0 + c * k0; k0 = c * x0 - s * k0;
      z[r1 + j] = s * x1 + c * k1; k1 = c * x1 - s * k1;
      z[r2 + j] = s * x2 + c * k2; k2 = c * x2 - s * k2;
      z[r3 + j] = s * x3 + c * k3; k3 = c * x3 - s * k3;
    }
    z[r + hi] = k0; z[r1 + hi] = k1; z[r2 + hi] = k2; z[r3 + hi] = k3;
  }
  for (; r < rows * ld; r += ld) {
    let carry = z[r + lo];
    for (let j = lo; j < hi; j++) {
      const x = z[r + j + 1], c = cs[j], s = sn[j];
      z[r + j] = s * x + c * carry;
      carry = c * x - s * carry;
    }
    z[r + hi] = carry;
  }
}
