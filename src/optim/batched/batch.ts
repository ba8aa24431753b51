import type { Mat } from '../../linalg/mat.ts';
import { type Stats, statsFromMoments } from '../../model/stats.ts';
import { matmul } from '../../linalg/matmul.ts';
import { zeros } from '../../linalg/mat.ts';
import { validateDims } from '../../model/network.ts';
import { laneGemm, packLane, unpackLane } from './laneKernels.ts';

/**
 * B networks of the same widths, each with its own data statistics, stored lane-batched
 * (laneKernels.ts). Every array can live in a SharedArrayBuffer so that threads can step
 * disjoint lane ranges of one batch.
 */
export interface Batch {
  readonly dims: readonly number[];
  readonly lanes: number;
  /** weights[j] holds W_{j+1} of every lane (d_{j+1}·d_j·B). */
  readonly weights: Float64Array[];
  readonly grads: Float64Array[];
  readonly sxx: Float64Array;
  readonly ols: Float64Array;
  readonly lossOLS: Float64Array;
  readonly fwd: Float64Array[];
  readonly back: Float64Array[];
  readonly e: Float64Array;
  readonly g: Float64Array;
  readonly acc: Float64Array;
  /** Loss of every lane at its current weights (written by batchLossAndGrad). */
  readonly loss: Float64Array;
  /** Squared Frobenius norm of every lane's gradient tuple. */
  readonly gradSq: Float64Array;
  /** The eight partial sums of sumSquaresLoop for every lane (entry r·B + l), the scratch of gradSq. */
  readonly sq: Float64Array;
}

/** Allocates a batch; shared = true places every array in a SharedArrayBuffer. */
export function createBatch(dims: readonly number[], lanes: number, shared = false): Batch {
  validateDims(dims);
  if (!Number.isInteger(lanes) || lanes < 1) throw new RangeError(`createBatch: lanes must be a positive integer, got ${lanes}`);
  const alloc = (n: number): Float64Array => shared
    ? new Float64Array(new SharedArrayBuffer(n * lanes * 8)) : new Float64Array(n * lanes);
  const n = dims.length - 1, d0 = dims[0], dy = dims[n];
  const weights: Float64Array[] = [], grads: Float64Array[] = [], fwd: Float64Array[] = [], back: Float64Array[] = [];
  for (let j = 0; j < n; j++) { weights.push(alloc(dims[j + 1] * dims[j])); grads.push(alloc(dims[j + 1] * dims[j])); }
  for (let j = 0; j <= n; j++) { fwd.push(alloc(dims[j] * d0)); back.push(alloc(dims[j] * d0)); }
  return {
    dims: [...dims], lanes, weights, grads, fwd, back,
    sxx: alloc(d0 * d0), ols: alloc(dy * d0), lossOLS: alloc(1),
    e: alloc(dy * d0), g: alloc(dy * d0), acc: alloc(1), loss: alloc(1), gradSq: alloc(1), sq: alloc(8),
  };
}

/** Places a network's weights and data statistics into lane b. */
export function setLane(batch: Batch, b: number, weights: readonly Mat[], stats: Stats): void {
  const B = batch.lanes;
  for (let j = 0; j < weights.length; j++) packLane(batch.weights[j], B, b, weights[j].data);
  packLane(batch.sxx, B, b, stats.sxx.data);
  packLane(batch.ols, B, b, stats.ols.data);
  batch.lossOLS[b] = stats.lossOLS;
}

/** The weights of lane b as row-major matrices. */
export function laneWeights(batch: Batch, b: number): Mat[] {
  const { dims, lanes } = batch;
  return batch.weights.map((w, j) => ({
    rows: dims[j + 1], cols: dims[j],
    data: unpackLane(new Float64Array(dims[j + 1] * dims[j]), w, lanes, b),
  }));
}

/**
 * Loss and gradients of lanes [lo, hi), with the operations of model/lossAndGrad.ts in the same
 * order (bit-identical per lane). Writes batch.loss, batch.grads and batch.gradSq.
 */
export function batchLossAndGrad(batch: Batch, lo = 0, hi = batch.lanes): void {
  const { dims, lanes: B, weights, fwd, back, grads, acc } = batch;
  const n = dims.length - 1, d0 = dims[0], dy = dims[n];
  const f1 = fwd[1], w1 = weights[0];
  for (let i = 0; i < dims[1] * d0; i++) { const o = i * B; for (let l = lo; l < hi; l++) f1[o + l] = w1[o + l]; }
  for (let j = 2; j <= n; j++) laneGemm(false, false, dims[j], d0, dims[j - 1], weights[j - 1], fwd[j - 1], fwd[j], B, lo, hi, acc);
  const p = fwd[n], a = batch.ols, e = batch.e, g = batch.g;
  for (let i = 0; i < dy * d0; i++) { const o = i * B; for (let l = lo; l < hi; l++) e[o + l] = p[o + l] - a[o + l]; }
  laneGemm(false, false, dy, d0, d0, e, batch.sxx, g, B, lo, hi, acc);
  for (let l = lo; l < hi; l++) acc[l] = 0;
  for (let i = 0; i < dy * d0; i++) { const o = i * B; for (let l = lo; l < hi; l++) acc[l] += e[o + l] * g[o + l]; }
  for (let l = lo; l < hi; l++) batch.loss[l] = batch.lossOLS[l] + 0.5 * Math.max(acc[l], 0);
  let r = g;
  for (let j = n; j >= 1; j--) {
    const gj = grads[j - 1];
    if (j === 1) { for (let i = 0; i < dims[1] * d0; i++) { const o = i * B; for (let l = lo; l < hi; l++) gj[o + l] = r[o + l]; } }
    else laneGemm(false, true, dims[j], dims[j - 1], d0, r, fwd[j - 1], gj, B, lo, hi, acc);
    if (j > 1) {
      laneGemm(true, false, dims[j - 1], d0, dims[j], weights[j - 1], r, back[j - 1], B, lo, hi, acc);
      r = back[j - 1];
    }
  }
  // Σ_j‖∇_{W_j}L‖_F² per lane in tupleNorm's order: each layer in sumSquaresLoop's eight partial sums
  // (entry i into sum i mod 8 up to the last multiple of eight, the rest into sum 0, in order), then
  // the layers in order. The entries are read as they lie (all lanes of entry i together).
  const sq = batch.sq;
  for (let l = lo; l < hi; l++) batch.gradSq[l] = 0;
  for (const gj of grads) {
    const len = gj.length / B, main = len - (len % 8);
    for (let r = 0; r < 8; r++) for (let l = lo; l < hi; l++) sq[r * B + l] = 0;
    for (let i = 0; i < len; i++) {
      const o = i * B, q = (i < main ? i % 8 : 0) * B;
      for (let l = lo; l < hi; l++) sq[q + l] += gj[o + l] * gj[o + l];
    }
    for (let l = lo; l < hi; l++) {
      const s01 = sq[l] + sq[B + l], s23 = sq[2 * B + l] + sq[3 * B + l], s45 = sq[4 * B + l] + sq[5 * B + l], s67 = sq[6 * B + l] + sq[7 * B + l];
      batch.gradSq[l] += (s01 + s23) + (s45 + s67);
    }
  }
}

/**
 * The statistics of lane b as the batch holds them: its Σ_XX, A and L_OLS bit for bit (what the loss,
 * gradient and Hessian read), with Σ_YX = AΣ_XX and tr Σ_YY = 2L_OLS + ⟨A, AΣ_XX⟩ rebuilt from them.
 */
export function laneStats(batch: Batch, b: number): Stats {
  const { dims, lanes } = batch;
  const dx = dims[0], dy = dims[dims.length - 1];
  const sxx = { rows: dx, cols: dx, data: unpackLane(new Float64Array(dx * dx), batch.sxx, lanes, b) };
  const ols = { rows: dy, cols: dx, data: unpackLane(new Float64Array(dy * dx), batch.ols, lanes, b) };
  const syx = matmul(zeros(dy, dx), ols, sxx);
  let tr = 0;
  for (let i = 0; i < syx.data.length; i++) tr += ols.data[i] * syx.data[i];
  const rebuilt = statsFromMoments(sxx, syx, 2 * batch.lossOLS[b] + tr);
  return { ...rebuilt, ols, lossOLS: batch.lossOLS[b] };
}
