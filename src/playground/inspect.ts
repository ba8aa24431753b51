// On-demand analysis at the current weights: Hessian spectrum, both verdicts, NRT constants, loss slice.
import { InputError, PremiseError } from '../errors.ts';
import { type Mat, frobenius } from '../linalg/index.ts';
import { type Stats, createHvpWorkspace, hessianVectorProduct, parameterCount, dimsOf } from '../model/index.ts';
import { classify, lanczosExtreme, lossSlice } from '../landscape/index.ts';
import { nrtBound } from '../theory/index.ts';

/** The dense Hessian (and every eigenvalue) up to this many parameters, as `dln hessian` does up to its limit. */
export const DENSE_LIMIT = 3000;
/** Every eigenvalue (the histogram) up to this many parameters; Lanczos extremes above. */
export const ALL_EIGENVALUES_LIMIT = 1200;

/** What the inspect panel shows. */
export interface Inspection {
  parameters: number;
  method: 'dense' | 'lanczos';
  eigenvalues: number[] | null;
  lambdaMin: number;
  lambdaMax: number;
  negative: number | null;
  zero: number | null;
  theorem7: string;
  theorem7Reason: string;
  hessianVerdict: string;
  hessianReason: string;
  agree: boolean;
  subset: number[] | null;
  relativeGradient: number;
  loss: number;
  /** Theorem 2.4 at the current point, or the premise that fails. */
  nrt: { M: number; K: number; B: number; alpha: number; delta: number; etaMax: number } | { error: string };
  /** L along the most negative curvature direction (a unit vector): coordinates and losses. */
  slice: { coords: number[]; loss: number[]; direction: 'most negative curvature' | 'least curvature' };
}

function splitVector(v: Float64Array, like: readonly Mat[]): Mat[] {
  let off = 0;
  return like.map((w) => {
    const n = w.rows * w.cols;
    const m = { rows: w.rows, cols: w.cols, data: v.slice(off, off + n) };
    off += n;
    return m;
  });
}

/** Analyses weights against stats: the verdicts are those of `dln hessian` with its default tolerances. */
export function inspect(weights: readonly Mat[], stats: Stats): Inspection {
  const dims = dimsOf(weights), p = parameterCount(dims);
  if (!weights.every((w) => w.data.every(Number.isFinite))) throw new InputError('the weights are not finite (the run diverged): reset to inspect');
  const c = classify(weights, stats, { eigenvalues: p <= ALL_EIGENVALUES_LIMIT ? 'all' : 'extreme', denseLimit: DENSE_LIMIT });
  const h = c.hessian, t7 = c.theorem7;
  let nrt: Inspection['nrt'];
  try {
    const b = nrtBound(stats, weights);
    nrt = { M: b.M, K: b.K, B: b.B, alpha: b.alpha, delta: b.delta, etaMax: b.etaMax };
  } catch (e) {
    if (!(e instanceof PremiseError || e instanceof InputError || e instanceof RangeError)) throw e;
    nrt = { error: e.message };
  }
  const ws = createHvpWorkspace(dims);
  const lz = lanczosExtreme((v, out) => { hessianVectorProduct(weights, stats, v, out, ws); }, p, { maxIter: 120, tol: 1e-9 });
  const dir = splitVector(lz.minVector, weights);
  const norm = Math.sqrt(weights.reduce((s, w) => s + frobenius(w) ** 2, 0));
  const range = Math.max(0.5, 0.5 * norm);
  const sl = lossSlice(weights, stats, [dir], [-range, range], 61);
  return {
    parameters: p, method: h.method, eigenvalues: h.eigenvalues === null ? null : Array.from(h.eigenvalues),
    lambdaMin: h.lambdaMin, lambdaMax: h.lambdaMax, negative: h.negativeCount, zero: h.zeroCount,
    theorem7: t7.type, theorem7Reason: t7.reason, hessianVerdict: h.verdict, hessianReason: h.reason, agree: c.agree,
    subset: t7.subset, relativeGradient: h.relativeGradient, loss: h.loss, nrt,
    slice: { coords: Array.from(sl.coords), loss: Array.from(sl.loss.data), direction: lz.min < 0 ? 'most negative curvature' : 'least curvature' },
  };
}
