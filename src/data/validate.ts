import { type Mat, transposed } from '../linalg/mat.ts';
import { DataError } from '../errors.ts';

/** Text for a non-finite value as numpy prints it: NaN, inf, -inf. */
function describe(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'inf' : '-inf';
}

/**
 * Throws a DataError at the first non-finite entry: "X.npy: value at row 3, column 2 is NaN".
 * Rows and columns count from 1.
 */
export function assertFinite(a: Mat, name: string): void {
  const d = a.data;
  for (let k = 0; k < d.length; k++) {
    if (Number.isFinite(d[k])) continue;
    const i = Math.floor(k / a.cols), j = k - i * a.cols;
    throw new DataError(`${name}: value at row ${i + 1}, column ${j + 1} is ${describe(d[k])}`);
  }
}

/**
 * A file's matrix (one sample per row, m×d) in the engine's column convention (d×m, THEORY §1.3),
 * after checking that every value is finite and that there is at least one sample and one feature.
 */
export function matrixFromSamples(rowsBySample: Mat, name: string): Mat {
  if (rowsBySample.rows === 0) throw new DataError(`${name}: no samples (0 rows)`);
  if (rowsBySample.cols === 0) throw new DataError(`${name}: no features (0 columns)`);
  assertFinite(rowsBySample, name);
  return transposed(rowsBySample);
}

/** Checks that X (d_x×m) and Y (d_y×m) hold the same number m of samples. */
export function checkPair(x: Mat, y: Mat): void {
  if (x.cols !== y.cols) throw new DataError(`X has ${x.cols} samples but Y has ${y.cols}`);
}
