import { type Mat, zeros, eye } from '../linalg/mat.ts';
import { matmul, matmulNT } from '../linalg/matmul.ts';
import { haarOrthogonal, randomNormal } from '../linalg/random.ts';
import type { Rng } from '../linalg/rng.ts';
import type { Dataset } from '../model/stats.ts';
import { ArgumentError } from '../errors.ts';
import { whitenInputs } from './whiten.ts';

/** A synthetic data set (x: d_x×m, y: d_y×m) with a one-line description of how it was drawn. */
export interface GeneratedData extends Dataset {
  readonly describe: string;
}

/** Options of nrt (THEORY §8.6 project defaults). */
export interface NrtOptions {
  /** Input dimension d_x (default 10). */
  readonly dx?: number;
  /** Output dimension d_y (default 8). */
  readonly dy?: number;
  /** Number of samples m (default 30). */
  readonly m?: number;
  /** Rank r of the target map A (default 4; at most min(d_x, d_y)). */
  readonly rank?: number;
  /** Ratio σ_1/σ_r of A's non-zero singular values, spaced linearly from 2 down to 2/condition (default 2). */
  readonly condition?: number;
}

/** Y = diag(scales)·X + noiseStd·E with E drawn after X. */
function diagPlusNoise(rng: Rng, x: Mat, scales: readonly number[], noiseStd: number): Mat {
  const y = randomNormal(x.rows, x.cols, rng, noiseStd);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) y.data[i * x.cols + j] += scales[i] * x.data[i * x.cols + j];
  return y;
}

/** THEORY §8.9: X = I_2, Y = diag(1, 0.5) (ℓ(P) = ½‖P − diag(1, 0.5)‖_F²). */
export function lnPgd(): GeneratedData {
  const y = zeros(2, 2);
  y.data[0] = 1; y.data[3] = 0.5;
  return { x: eye(2), y, describe: 'ln-pgd: X = I_2, Y = diag(1, 0.5) (THEORY §8.9)' };
}

/** THEORY §8.1: X 5×m i.i.d. N(0,1), then E 5×m i.i.d. N(0, noise²) (noise 0.1); Y = diag(5,4,3,2,1)·X + E. */
export function reportSec4(rng: Rng, m = 1000, noise = 0.1): GeneratedData {
  const x = randomNormal(5, m, rng);
  const y = diagPlusNoise(rng, x, [5, 4, 3, 2, 1], noise);
  return { x, y, describe: `report-sec4: X 5×${m} i.i.d. N(0,1), Y = diag(5,4,3,2,1)X + E, E i.i.d. N(0, ${noise}²) (THEORY §8.1)` };
}

/** THEORY §8.3: X 5×m i.i.d. N(0,1) (m = 5), then E 5×m i.i.d. N(0, noise²) (noise 0.1); Y = diag(1,2,3,4,5)·X + E. */
export function reportSec5(rng: Rng, m = 5, noise = 0.1): GeneratedData {
  const x = randomNormal(5, m, rng);
  const y = diagPlusNoise(rng, x, [1, 2, 3, 4, 5], noise);
  return { x, y, describe: `report-sec5: X 5×${m} i.i.d. N(0,1), Y = diag(1,2,3,4,5)X + E, E i.i.d. N(0, ${noise}²) (THEORY §8.3)` };
}

/**
 * THEORY §8.6: X d_x×m i.i.d. N(0, 1/m), Y = A·X with A = V_y diag(linspace(2, 1, r)) V_xᵀ, where
 * V_y, V_x are the first r columns of Haar-orthogonal d_y×d_y and d_x×d_x matrices (drawn in the
 * order X, V_y, V_x), so that min L = 0.
 */
export function nrt(rng: Rng, options: NrtOptions = {}): GeneratedData {
  const { dx = 10, dy = 8, m = 30, rank = 4, condition = 2 } = options;
  if (!Number.isInteger(rank) || rank < 1 || rank > Math.min(dx, dy)) {
    throw new ArgumentError(`nrt: rank ${rank} must be an integer in 1..min(d_x, d_y) = ${Math.min(dx, dy)}`);
  }
  if (!(Number.isFinite(condition) && condition >= 1)) throw new ArgumentError(`nrt: condition ${condition} must be a finite number ≥ 1`);
  const low = 2 / condition;
  const x = randomNormal(dx, m, rng, 1 / Math.sqrt(m));
  const qy = haarOrthogonal(dy, rng), qx = haarOrthogonal(dx, rng);
  const left = zeros(dy, rank), right = zeros(dx, rank);
  for (let k = 0; k < rank; k++) {
    const s = rank === 1 ? 2 : 2 - ((2 - low) * k) / (rank - 1);
    for (let i = 0; i < dy; i++) left.data[i * rank + k] = s * qy.data[i * dy + k];
    for (let i = 0; i < dx; i++) right.data[i * rank + k] = qx.data[i * dx + k];
  }
  const a = matmulNT(zeros(dy, dx), left, right);
  const y = matmul(zeros(dy, m), a, x);
  return {
    x, y,
    describe: `nrt: X ${dx}×${m} i.i.d. N(0, 1/${m}), Y = AX, A = V_y diag(linspace(2,${low},${rank})) V_xᵀ with Haar V_y, V_x (THEORY §8.6)`,
  };
}

/** THEORY §8.8: d_x = 10, d_y = 4, m = 100 (each may be changed); X then Y, independent, i.i.d. N(0, 1). */
export function amgEscape(rng: Rng, options: { readonly dx?: number; readonly dy?: number; readonly m?: number } = {}): GeneratedData {
  const { dx = 10, dy = 4, m = 100 } = options;
  const x = randomNormal(dx, m, rng);
  const y = randomNormal(dy, m, rng);
  return { x, y, describe: `amg-escape: X ${dx}×${m} and Y ${dy}×${m} independent, i.i.d. N(0,1) (THEORY §8.8)` };
}

/** Saxe's default singular values of Σ_YX (saxe-modes'). */
export const saxeSingularValues: readonly number[] = [3, 2, 1.5, 1, 0.5];

/** Options of saxe (THEORY §14.1; the defaults are saxe-modes'). */
export interface SaxeOptions {
  /** Number of samples m (default 100; at least the width, len(s), for Σ_XX to be invertible). */
  readonly m?: number;
  /** Singular values of Σ_YX, descending (default 3, 2, 1.5, 1, 0.5); d_x = d_y = len(s). */
  readonly s?: readonly number[];
}

/**
 * THEORY §14.1: whitened inputs X̃ = Σ_XX^{−1/2}X with X d×m i.i.d. N(0, 1), then Haar-orthogonal U
 * and V (d×d, drawn in that order), and Y = U diag(s) VᵀX̃, so that Σ_YX = U diag(s) Vᵀ exactly.
 */
export function saxe(rng: Rng, options: SaxeOptions = {}): GeneratedData {
  const { m = 100, s = saxeSingularValues } = options;
  const d = s.length;
  if (!(Number.isInteger(m) && m >= d)) throw new ArgumentError(`saxe: ${m} samples: whitening ${d} inputs needs at least ${d}`);
  const x = whitenInputs({ x: randomNormal(d, m, rng, 1), y: zeros(d, m) }).x;
  const u = haarOrthogonal(d, rng), v = haarOrthogonal(d, rng);
  const us = zeros(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) us.data[i * d + j] = u.data[i * d + j] * s[j];
  const map = matmulNT(zeros(d, d), us, v);
  return {
    x, y: matmul(zeros(d, m), map, x),
    describe: `saxe: X̃ ${d}×${m} whitened N(0,1) inputs, Y = U diag(${s.join(',')}) VᵀX̃ with Haar U, V (THEORY §14.1)`,
  };
}

/** Names of the built-in data sets. */
export type BuiltinName = 'report-sec4' | 'report-sec5' | 'nrt' | 'amg-escape' | 'ln-pgd' | 'saxe';

/** The built-in data sets with their default settings, by name. */
export const builtinData: Record<BuiltinName, (rng: Rng) => GeneratedData> = {
  'report-sec4': (rng) => reportSec4(rng),
  'report-sec5': (rng) => reportSec5(rng),
  nrt: (rng) => nrt(rng),
  'amg-escape': (rng) => amgEscape(rng),
  'ln-pgd': () => lnPgd(),
  saxe: (rng) => saxe(rng),
};

/** The names of builtinData, in a fixed order. */
export const builtinNames: readonly BuiltinName[] = ['report-sec4', 'report-sec5', 'nrt', 'amg-escape', 'ln-pgd', 'saxe'];

/** Settings of the built-in generators that a run may change (`dln train --samples, --noise, …`). */
export interface GeneratorParams {
  /** Number of samples m. */
  readonly samples?: number;
  /** Standard deviation of the noise E in Y = diag(…)X + E. */
  readonly noise?: number;
  /** Input dimension d_x. */
  readonly dx?: number;
  /** Output dimension d_y. */
  readonly dy?: number;
  /** Rank of nrt's target map. */
  readonly rank?: number;
  /** σ_1/σ_r of nrt's target map. */
  readonly condition?: number;
}

/** The names of GeneratorParams, in a fixed order. */
export const generatorParamNames = ['samples', 'noise', 'dx', 'dy', 'rank', 'condition'] as const;
/** One of generatorParamNames. */
export type GeneratorParamName = (typeof generatorParamNames)[number];

/** The settings each generator takes, with their defaults (the data of THEORY §8); ln-pgd takes none. */
export const generatorDefaults: Readonly<Record<BuiltinName, Readonly<Partial<Record<GeneratorParamName, number>>>>> = {
  'report-sec4': { samples: 1000, noise: 0.1 },
  'report-sec5': { samples: 5, noise: 0.1 },
  nrt: { dx: 10, dy: 8, samples: 30, rank: 4, condition: 2 },
  'amg-escape': { dx: 10, dy: 4, samples: 100 },
  'ln-pgd': {},
  saxe: { samples: 100 },
};

/** Largest samples, d_x or d_y a generator is asked for (a data matrix stays below 10⁸ entries). */
export const MAX_GENERATOR_SIZE = 1_000_000;

/** Why one value of a generator setting is not allowed (whatever the generator), or null. */
export function generatorValueProblem(param: GeneratorParamName, v: unknown): string | null {
  const num = typeof v === 'number' && Number.isFinite(v);
  switch (param) {
    case 'samples': case 'dx': case 'dy': case 'rank':
      return num && Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_GENERATOR_SIZE ? null : `must be an integer in 1..${MAX_GENERATOR_SIZE}`;
    case 'noise': return num && (v as number) >= 0 ? null : 'must be a finite number ≥ 0';
    case 'condition': return num && (v as number) >= 1 ? null : 'must be a finite number ≥ 1 (σ_1/σ_r)';
  }
}

/**
 * The problems of a generator's settings, one "param: message" each: settings it does not take,
 * values out of range, a rank above min(d_x, d_y), a matrix above 10⁸ entries. Empty when they fit.
 */
export function generatorParamsProblems(name: BuiltinName, params: GeneratorParams): string[] {
  const takes = generatorDefaults[name], out: string[] = [];
  for (const k of generatorParamNames) {
    const v = params[k];
    if (v === undefined) continue;
    if (!(k in takes)) { out.push(`${k}: ${name} takes ${Object.keys(takes).length === 0 ? 'no settings' : Object.keys(takes).join(', ')}`); continue; }
    const p = generatorValueProblem(k, v);
    if (p !== null) out.push(`${k}: ${p}`);
  }
  if (out.length > 0) return out;
  const full = { ...takes, ...params };
  if (name === 'nrt' && (full.rank as number) > Math.min(full.dx as number, full.dy as number)) out.push(`rank: ${full.rank} exceeds min(d_x, d_y) = ${Math.min(full.dx as number, full.dy as number)}`);
  if (name === 'saxe' && (full.samples as number) < 5) out.push(`samples: whitening saxe's 5 inputs needs at least 5 samples`);
  const width = Math.max(full.dx ?? 5, full.dy ?? 5);
  if (full.samples !== undefined && full.samples * width > 1e8) out.push(`samples: ${full.samples} samples of width ${width} exceed 10⁸ entries`);
  return out;
}

/**
 * A built-in data set with some of its settings changed (THEORY §8); with none it is exactly
 * `builtinData[name](rng)`, bit for bit. An ArgumentError names the first setting that does not fit.
 */
export function generateData(name: BuiltinName, rng: Rng, params: GeneratorParams = {}): GeneratedData {
  const problems = generatorParamsProblems(name, params);
  if (problems.length > 0) throw new ArgumentError(`${name}: ${problems.join('; ')}`);
  const d = generatorDefaults[name], p = { ...d, ...params } as Required<GeneratorParams>;
  switch (name) {
    case 'report-sec4': return reportSec4(rng, p.samples, p.noise);
    case 'report-sec5': return reportSec5(rng, p.samples, p.noise);
    case 'nrt': return nrt(rng, { dx: p.dx, dy: p.dy, m: p.samples, rank: p.rank, condition: p.condition });
    case 'amg-escape': return amgEscape(rng, { dx: p.dx, dy: p.dy, m: p.samples });
    case 'ln-pgd': return lnPgd();
    case 'saxe': return saxe(rng, { m: p.samples });
  }
}
