import { type Mat, zeros } from '../linalg/mat.ts';
import { ShapeError } from '../errors.ts';

/**
 * A deep linear network is its widths dims = [d_0, …, d_N] (N ≥ 1) and weights
 * weights[j] = W_{j+1} of shape dims[j+1] × dims[j] (0-based array, 1-based layers as in THEORY §1.1).
 */
export type Weights = Mat[];

/** Throws a ShapeError naming the problem when dims is not a valid list of widths. */
export function validateDims(dims: readonly number[]): void {
  if (dims.length < 2) throw new ShapeError(`dims needs at least two widths (input and output), got [${dims.join(', ')}]`);
  for (const d of dims) {
    if (!Number.isInteger(d) || d <= 0) throw new ShapeError(`every width must be a positive integer, got ${d} in [${dims.join(', ')}]`);
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
  if (weights.length === 0) throw new ShapeError('a network needs at least one weight matrix');
  const dims = [weights[0].cols];
  for (let j = 0; j < weights.length; j++) {
    if (weights[j].cols !== dims[j]) {
      throw new ShapeError(`W${j + 1} has ${weights[j].cols} columns but W${j} has ${dims[j]} rows`);
    }
    dims.push(weights[j].rows);
  }
  return dims;
}

/**
 * Throws a ShapeError naming the layer when weights do not have the shapes dims prescribes
 * (W_j: d_j × d_{j−1}, THEORY §1.1); label names the weights in the message (a file, say).
 */
export function assertWeightsMatch(weights: readonly Mat[], dims: readonly number[], label = 'the weights'): void {
  const want = dims.join(',');
  if (weights.length !== dims.length - 1) {
    throw new ShapeError(`${label}: ${weights.length} weight matrices, but widths ${want} need ${dims.length - 1}`);
  }
  for (let j = 0; j < weights.length; j++) {
    const w = weights[j];
    if (w.rows !== dims[j + 1] || w.cols !== dims[j]) {
      throw new ShapeError(`${label}: W${j + 1} has shape ${w.rows}×${w.cols}, but widths ${want} need ${dims[j + 1]}×${dims[j]}`);
    }
  }
}

/**
 * The one check that a network fits the data: its widths (dims, or read off its weights, which must
 * chain) are valid and map d_0 = d_x → d_N = d_y (THEORY §1.1). Returns the widths; throws a
 * ShapeError naming the end that does not fit. label names the network in the message ('--dims', a
 * weights file); by default its widths.
 */
export function assertFitsData(network: readonly number[] | readonly Mat[], dx: number, dy: number, label?: string): number[] {
  const fromWeights = network.length > 0 && typeof network[0] !== 'number';
  const dims = fromWeights ? dimsOf(network as readonly Mat[]) : [...(network as readonly number[])];
  validateDims(dims);
  const d0 = dims[0], dN = dims[dims.length - 1], widths = dims.join(',');
  const named = label === undefined ? `the network of widths ${widths}` : fromWeights ? `${label} (widths ${widths})` : label;
  if (d0 !== dx && dN !== dy) throw new ShapeError(`${named} maps ${d0} → ${dN} features, but the data have ${dx} → ${dy}`);
  if (d0 !== dx) throw new ShapeError(`${named} starts with ${d0}, but X has ${dx} features`);
  if (dN !== dy) throw new ShapeError(`${named} ends with ${dN}, but Y has ${dy} features`);
  return dims;
}

/** A deep copy of a weight tuple. */
export function cloneWeights(weights: readonly Mat[]): Weights {
  return weights.map((w) => ({ rows: w.rows, cols: w.cols, data: w.data.slice() }));
}
