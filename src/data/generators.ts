import { type Mat, zeros, eye } from '../linalg/mat.ts';
import { matmul, matmulNT } from '../linalg/matmul.ts';
import { haarOrthogonal, randomNormal } from '../linalg/random.ts';
import type { Rng } from '../linalg/rng.ts';
import type { Dataset } from '../model/stats.ts';
import { InputError } from '../errors.ts';

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

/** THEORY §8.1: X 5×m i.i.d. N(0,1), then E 5×m i.i.d. N(0, 0.1²); Y = diag(5,4,3,2,1)·X + E. */
export function reportSec4(rng: Rng, m = 1000): GeneratedData {
  const x = randomNormal(5, m, rng);
  const y = diagPlusNoise(rng, x, [5, 4, 3, 2, 1], 0.1);
  return { x, y, describe: `report-sec4: X 5×${m} i.i.d. N(0,1), Y = diag(5,4,3,2,1)X + E, E i.i.d. N(0, 0.1²) (THEORY §8.1)` };
}

/** THEORY §8.3: X 5×5 i.i.d. N(0,1), then E 5×5 i.i.d. N(0, 0.1²); Y = diag(1,2,3,4,5)·X + E. */
export function reportSec5(rng: Rng): GeneratedData {
  const x = randomNormal(5, 5, rng);
  const y = diagPlusNoise(rng, x, [1, 2, 3, 4, 5], 0.1);
  return { x, y, describe: 'report-sec5: X 5×5 i.i.d. N(0,1), Y = diag(1,2,3,4,5)X + E, E i.i.d. N(0, 0.1²) (THEORY §8.3)' };
}

/**
 * THEORY §8.6: X d_x×m i.i.d. N(0, 1/m), Y = A·X with A = V_y diag(linspace(2, 1, r)) V_xᵀ, where
 * V_y, V_x are the first r columns of Haar-orthogonal d_y×d_y and d_x×d_x matrices (drawn in the
 * order X, V_y, V_x), so that min L = 0.
 */
export function nrt(rng: Rng, options: NrtOptions = {}): GeneratedData {
  const { dx = 10, dy = 8, m = 30, rank = 4 } = options;
  if (!Number.isInteger(rank) || rank < 1 || rank > Math.min(dx, dy)) {
    throw new InputError(`nrt: rank ${rank} must be an integer in 1..min(d_x, d_y) = ${Math.min(dx, dy)}`);
  }
  const x = randomNormal(dx, m, rng, 1 / Math.sqrt(m));
  const qy = haarOrthogonal(dy, rng), qx = haarOrthogonal(dx, rng);
  const left = zeros(dy, rank), right = zeros(dx, rank);
  for (let k = 0; k < rank; k++) {
    const s = rank === 1 ? 2 : 2 - k / (rank - 1);
    for (let i = 0; i < dy; i++) left.data[i * rank + k] = s * qy.data[i * dy + k];
    for (let i = 0; i < dx; i++) right.data[i * rank + k] = qx.data[i * dx + k];
  }
  const a = matmulNT(zeros(dy, dx), left, right);
  const y = matmul(zeros(dy, m), a, x);
  return {
    x, y,
    describe: `nrt: X ${dx}×${m} i.i.d. N(0, 1/${m}), Y = AX, A = V_y diag(linspace(2,1,${rank})) V_xᵀ with Haar V_y, V_x (THEORY §8.6)`,
  };
}

/** THEORY §8.8: d_x = 10, d_y = 4, m = 100; X then Y, independent, i.i.d. N(0, 1). */
export function amgEscape(rng: Rng): GeneratedData {
  const x = randomNormal(10, 100, rng);
  const y = randomNormal(4, 100, rng);
  return { x, y, describe: 'amg-escape: X 10×100 and Y 4×100 independent, i.i.d. N(0,1) (THEORY §8.8)' };
}

/** Names of the built-in data sets. */
export type BuiltinName = 'report-sec4' | 'report-sec5' | 'nrt' | 'amg-escape' | 'ln-pgd';

/** The built-in data sets with their default settings, by name. */
export const builtinData: Record<BuiltinName, (rng: Rng) => GeneratedData> = {
  'report-sec4': (rng) => reportSec4(rng),
  'report-sec5': (rng) => reportSec5(rng),
  nrt: (rng) => nrt(rng),
  'amg-escape': (rng) => amgEscape(rng),
  'ln-pgd': () => lnPgd(),
};

/** The names of builtinData, in a fixed order. */
export const builtinNames: readonly BuiltinName[] = ['report-sec4', 'report-sec5', 'nrt', 'amg-escape', 'ln-pgd'];
