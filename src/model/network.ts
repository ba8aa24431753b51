import { type Mat, zeros } from '../linalg/mat.ts';

/**
 * A deep linear network is its widths dims = [d_0, …, d_N] (N ≥ 1) and weights
 * weights[j] = W_{j+1} of shape dims[j+1] × dims[j] (0-based array, 1-based layers as in THEORY §1.1).
 */
export type Weights = Mat[];

/** Throws a RangeError naming the problem when dims is not a valid list of widths. */
export function validateDims(dims: readonly number[]): void {
  if (dims.length < 2) throw new RangeError(`dims needs at least two widths (input and output), got [${dims.join(', ')}]`);
  for (const d of dims) {
    if (!Number.isInteger(d) || d <= 0) throw new RangeError(`every width must be a positive integer, got ${d} in [${dims.join(', ')}]`);
  }
}

/** Depth N (number of weight matrices). */
export function depth(dims: readonly number[]): number {
  return dims.length - 1;
}

/** r_max = min(d_0, …, d_N), the largest attainable rank of the product. */
export function maxRank(dims: readonly number[]): number {
  return Math.min(...dims);
}

/** Number of parameters Σ_j d_j d_{j−1}. */
export function parameterCount(dims: readonly number[]): number {
  let p = 0;
  for (let j = 1; j < dims.length; j++) p += dims[j] * dims[j - 1];
  return p;
}

/** Zero weights of the given widths. */
export function zeroWeights(dims: readonly number[]): Weights {
  validateDims(dims);
  const w: Weights = [];
  for (let j = 1; j < dims.length; j++) w.push(zeros(dims[j], dims[j - 1]));
  return w;
}

/** Widths read off a weight tuple; throws when consecutive layers do not chain. */
export function dimsOf(weights: readonly Mat[]): number[] {
  if (weights.length === 0) throw new RangeError('a network needs at least one weight matrix');
  const dims = [weights[0].cols];
  for (let j = 0; j < weights.length; j++) {
    if (weights[j].cols !== dims[j]) {
      throw new RangeError(`W${j + 1} has ${weights[j].cols} columns but W${j} has ${dims[j]} rows`);
    }
    dims.push(weights[j].rows);
  }
  return dims;
}

/** Throws a RangeError naming the layer when weights do not have the shapes dims prescribes. */
export function assertWeightsMatch(weights: readonly Mat[], dims: readonly number[]): void {
  if (weights.length !== dims.length - 1) {
    throw new RangeError(`expected ${dims.length - 1} weight matrices for dims [${dims.join(',')}], got ${weights.length}`);
  }
  for (let j = 0; j < weights.length; j++) {
    const w = weights[j];
    if (w.rows !== dims[j + 1] || w.cols !== dims[j]) {
      throw new RangeError(`W${j + 1} has shape ${w.rows}×${w.cols}, but dims [${dims.join(',')}] need ${dims[j + 1]}×${dims[j]}`);
    }
  }
}

/** A deep copy of a weight tuple. */
export function cloneWeights(weights: readonly Mat[]): Weights {
  return weights.map((w) => ({ rows: w.rows, cols: w.cols, data: w.data.slice() }));
}
