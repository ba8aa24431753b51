import { type Mat, zeros } from './mat.ts';
import { qr } from './qr.ts';
import type { Rng } from './rng.ts';

/** A rows×cols matrix of i.i.d. N(0, std²) entries, drawn from rng in row-major order. */
export function randomNormal(rows: number, cols: number, rng: Rng, std = 1): Mat {
  const a = zeros(rows, cols);
  rng.fillNormal(a.data, std);
  return a;
}

/**
 * A Haar-distributed n×n orthogonal matrix: Q·sign(diag R) from the QR of a Gaussian matrix
 * (Mezzadri 2007, "How to generate random matrices from the classical compact groups"; THEORY §3.5).
 * Without the sign fix the distribution depends on the QR's sign convention and is not Haar.
 */
export function haarOrthogonal(n: number, rng: Rng): Mat {
  const { q, r } = qr(randomNormal(n, n, rng));
  for (let j = 0; j < n; j++) {
    if (r.data[j * n + j] >= 0) continue;
    for (let i = 0; i < n; i++) q.data[i * n + j] = -q.data[i * n + j];
  }
  return q;
}
