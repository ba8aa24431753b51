import { type Mat, zeros, eye, shapeOf } from '../linalg/mat.ts';
import { matmul, matmulNT } from '../linalg/matmul.ts';
import type { Rng } from '../linalg/rng.ts';
import { haarOrthogonal } from '../linalg/random.ts';
import type { Stats } from '../model/stats.ts';
import { assertFitsData, maxRank } from '../model/network.ts';
import { ArgumentError } from '../errors.ts';
import { dataSpectrum, criticalValueOf } from './spectrum.ts';
import { criticality } from './criticality.ts';
import { expectedType, type CriticalType } from './theorem7.ts';

/** Options of buildCriticalPoint: what kind of critical point to build and in which gauge. */
export interface CriticalPointOptions {
  /** 'strict': middle Z_h with a single 1 top-left (I when square); 'non-strict': middle Z_h = 0; 'custom': options.z. */
  readonly kind: 'strict' | 'non-strict' | 'custom';
  /** For 'custom': z[h−1] = Z_h, h = 1..N, shapes (d_1−r)×d_x, (d_h−r)×(d_{h−1}−r), (d_y−r)×(d_{N−1}−r). */
  readonly z?: readonly Mat[];
  /** Gauges D_1..D_{N−1}: 'identity' (default) or 'random' (needs rng). */
  readonly gauge?: 'identity' | 'random';
  readonly rng?: Rng;
  /** Random gauges D = U·diag(s)·Vᵀ with Haar U, V and s_i = gaugeCond^{u_i}, u_i ∈ [0, 1): cond(D) < gaugeCond; default 10. */
  readonly gaugeCond?: number;
}

/** A critical point built for an index set S, with the type Theorem 7 predicts for it. */
export interface CriticalPointResult {
  readonly weights: Mat[];
  /** S, 1-based and ascending. */
  readonly subset: number[];
  readonly rank: number;
  readonly rMax: number;
  /** The closed-form critical value ½(tr Σ_YY − Σ_{i∈S}λ_i). */
  readonly loss: number;
  /** Theorem 7's type of the built point (null for a 'custom' point with r < r_max and S = {1..r}). */
  readonly expected: CriticalType | null;
  /** The gauges D_1..D_{N−1} used. */
  readonly gauges: Mat[];
}

function checkSubset(subset: readonly number[], dy: number, rMax: number): number[] {
  const seen = new Set<number>();
  for (const s of subset) {
    if (!Number.isInteger(s) || s < 1 || s > dy) throw new ArgumentError(`subset entry ${s} is not an index in 1..d_y = ${dy}`);
    if (seen.has(s)) throw new ArgumentError(`subset lists ${s} more than once`);
    seen.add(s);
  }
  if (subset.length > rMax) throw new ArgumentError(`|S| = ${subset.length} exceeds r_max = ${rMax} (the narrowest width): no critical point has a product of that rank`);
  return [...subset].sort((a, b) => a - b);
}

function randomGauge(d: number, rng: Rng, cond: number): { d: Mat; inv: Mat } {
  const u = haarOrthogonal(d, rng), v = haarOrthogonal(d, rng);
  const us = zeros(d, d), vs = zeros(d, d);
  for (let k = 0; k < d; k++) {
    const s = cond ** rng.uniform();
    for (let i = 0; i < d; i++) { us.data[i * d + k] = u.data[i * d + k] * s; vs.data[i * d + k] = v.data[i * d + k] / s; }
  }
  return { d: matmulNT(zeros(d, d), us, v), inv: matmulNT(zeros(d, d), vs, u) };
}

/** The preset Z_h (1-based h) of THEORY §5.7. */
function presetZ(h: number, n: number, rows: number, cols: number, strict: boolean): Mat {
  const z = zeros(rows, cols);
  if (strict && h > 1 && h < n && rows > 0 && cols > 0) {
    if (rows === cols) for (let i = 0; i < rows; i++) z.data[i * cols + i] = 1;
    else z.data[0] = 1;
  }
  return z;
}

/**
 * A first-order critical point associated with S (THEORY §5.7; AMG Props 8, 10): W_1 = D_1[U_SᵀA; Z_1],
 * W_h = D_h[I_r 0; 0 Z_h]D_{h−1}^{−1}, W_N = [U_S, U_QZ_N]D_{N−1}^{−1}, A = Σ_YXΣ_XX^{−1}.
 * ArgumentError for a bad S, a non-strict request where none exists, or custom Z that are not critical.
 */
export function buildCriticalPoint(stats: Stats, dims: readonly number[], subset: readonly number[], options: CriticalPointOptions): CriticalPointResult {
  assertFitsData(dims, stats.dx, stats.dy);
  const n = dims.length - 1, dy = stats.dy, dx = stats.dx, rMax = maxRank(dims);
  if (n < 2) throw new ArgumentError('a critical point of this kind needs depth N ≥ 2 (a one-layer network has the least-squares map as its only critical point)');
  const s = checkSubset(subset, dy, rMax);
  const r = s.length;
  const top = s.every((v, i) => v === i + 1);
  if (options.kind === 'non-strict' && r < rMax) {
    if (n === 2) throw new ArgumentError('no non-strict saddle exists for N = 2: by Theorem 7 every critical point of a 2-layer network with r < r_max is a strict saddle');
    if (!top) throw new ArgumentError(`no non-strict saddle is associated with S = {${s.join(',')}}: by Theorem 7 a critical point with S ≠ {1..r} is a strict saddle`);
  }
  const gauge = options.gauge ?? 'identity';
  const cond = options.gaugeCond ?? 10;
  if (gauge === 'random' && options.rng === undefined) throw new RangeError("buildCriticalPoint: gauge 'random' needs an rng");
  if (!(cond >= 1) || !Number.isFinite(cond)) throw new ArgumentError(`gaugeCond must be a finite number ≥ 1, got ${cond}`);
  const zShape = (h: number): [number, number] => h === 1 ? [dims[1] - r, dx] : [dims[h] - r, dims[h - 1] - r];
  const z: Mat[] = [];
  for (let h = 1; h <= n; h++) {
    const [rows, cols] = zShape(h);
    if (options.kind === 'custom') {
      if (options.z === undefined || options.z.length !== n) throw new ArgumentError(`kind 'custom' needs z with ${n} blocks Z_1..Z_${n}`);
      const given = options.z[h - 1];
      if (given.rows !== rows || given.cols !== cols) throw new ArgumentError(`Z_${h} must be ${rows}×${cols} for |S| = ${r}, got ${shapeOf(given)}`);
      z.push(given);
    } else z.push(presetZ(h, n, rows, cols, options.kind === 'strict' && r < rMax));
  }
  const spec = dataSpectrum(stats);
  const gauges: Mat[] = [], inverses: Mat[] = [];
  for (let h = 1; h < n; h++) {
    const g = gauge === 'random' ? randomGauge(dims[h], options.rng as Rng, cond) : { d: eye(dims[h]), inv: eye(dims[h]) };
    gauges.push(g.d); inverses.push(g.inv);
  }
  // Un-gauged layers: [U_SᵀA; Z_1], blockdiag(I_r, Z_h), [U_S, U_QZ_N].
  const q = Array.from({ length: dy }, (_, i) => i + 1).filter((i) => !s.includes(i));
  const core: Mat[] = [];
  const w1 = zeros(dims[1], dx);
  for (let k = 0; k < r; k++) {
    for (let c = 0; c < dx; c++) {
      let v = 0;
      for (let i = 0; i < dy; i++) v += spec.u.data[i * dy + s[k] - 1] * spec.ols.data[i * dx + c];
      w1.data[k * dx + c] = v;
    }
  }
  w1.data.set(z[0].data, r * dx);
  core.push(w1);
  for (let h = 2; h < n; h++) {
    const w = zeros(dims[h], dims[h - 1]), zc = z[h - 1].cols;
    for (let k = 0; k < r; k++) w.data[k * dims[h - 1] + k] = 1;
    for (let i = 0; i < z[h - 1].rows; i++) for (let j = 0; j < zc; j++) w.data[(r + i) * dims[h - 1] + r + j] = z[h - 1].data[i * zc + j];
    core.push(w);
  }
  const wn = zeros(dy, dims[n - 1]), zn = z[n - 1];
  for (let i = 0; i < dy; i++) {
    for (let k = 0; k < r; k++) wn.data[i * dims[n - 1] + k] = spec.u.data[i * dy + s[k] - 1];
    for (let j = 0; j < zn.cols; j++) {
      let v = 0;
      for (let k = 0; k < q.length; k++) v += spec.u.data[i * dy + q[k] - 1] * zn.data[k * zn.cols + j];
      wn.data[i * dims[n - 1] + r + j] = v;
    }
  }
  core.push(wn);
  const weights = core.map((w, j) => {
    const left = j < n - 1 ? matmul(zeros(w.rows, w.cols), gauges[j], w) : w;
    return j > 0 ? matmul(zeros(w.rows, w.cols), left, inverses[j - 1]) : left;
  });
  if (options.kind === 'custom' && r < rMax) {
    const c = criticality(weights, stats);
    if (!c.critical) {
      throw new ArgumentError(`the given Z blocks do not give a critical point (relative gradient norm ${c.relative.toExponential(2)}); Proposition 10 needs r = r_max or at least two zero blocks Z_h`);
    }
  }
  const kind = options.kind === 'custom' ? null : options.kind;
  return { weights, subset: s, rank: r, rMax, loss: criticalValueOf(spec, s), expected: expectedType(n, r, rMax, top, kind), gauges };
}
