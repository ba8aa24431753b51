import { type Mat, zeros } from '../linalg/mat.ts';
import type { Stats } from '../model/stats.ts';
import { assertFitsData } from '../model/network.ts';
import { lossAndGrad, createGradWorkspace } from '../model/lossAndGrad.ts';
import { ArgumentError, ShapeError } from '../errors.ts';

/** Loss on a grid along one direction (a line) or two (a plane) through W. */
export interface LossSliceResult {
  /** The n coordinates c_0..c_{n−1}, evenly spaced over range (both ends included). */
  readonly coords: Float64Array;
  /** n×1 (line) or n×n (plane): loss.data[a·cols + b] = L(W + c_a·D₁ + c_b·D₂). */
  readonly loss: Mat;
}

function checkDirection(name: string, d: readonly Mat[], weights: readonly Mat[]): void {
  if (d.length !== weights.length) throw new ShapeError(`lossSlice: ${name} has ${d.length} layers, the network ${weights.length}`);
  for (let j = 0; j < d.length; j++) {
    if (d[j].rows !== weights[j].rows || d[j].cols !== weights[j].cols) {
      throw new ShapeError(`lossSlice: layer ${j + 1} of ${name} is ${d[j].rows}×${d[j].cols}, W_${j + 1} is ${weights[j].rows}×${weights[j].cols}`);
    }
  }
}

/**
 * L(W + s·D₁ (+ t·D₂)) for s, t on n evenly spaced points of range = [from, to] (for figures of the
 * landscape around a critical point). One workspace and one weight buffer serve every grid point.
 */
export function lossSlice(weights: readonly Mat[], stats: Stats, directions: readonly [Mat[], Mat[]?],
  range: readonly [number, number], n: number): LossSliceResult {
  const dims = assertFitsData(weights, stats.dx, stats.dy);
  const [d1, d2] = directions;
  checkDirection('direction 1', d1, weights);
  if (d2 !== undefined) checkDirection('direction 2', d2, weights);
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`the number of points of a loss slice must be a positive integer, got ${n}`);
  const [from, to] = range;
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new ArgumentError(`the range [${from}, ${to}] of a loss slice must be finite`);
  const coords = new Float64Array(n);
  for (let k = 0; k < n; k++) coords[k] = n === 1 ? from : from + ((to - from) * k) / (n - 1);
  const cols = d2 === undefined ? 1 : n;
  const loss = zeros(n, cols);
  const ws = createGradWorkspace(dims);
  const point = weights.map((w) => zeros(w.rows, w.cols));
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < cols; b++) {
      const s = coords[a], t = d2 === undefined ? 0 : coords[b];
      for (let j = 0; j < point.length; j++) {
        const out = point[j].data, w = weights[j].data, x = d1[j].data, y = d2?.[j].data;
        for (let i = 0; i < out.length; i++) out[i] = w[i] + s * x[i] + (y === undefined ? 0 : t * y[i]);
      }
      loss.data[a * cols + b] = lossAndGrad(point, stats, null, ws);
    }
  }
  return { coords, loss };
}
