import { type Mat, zeros, eigh, matmulNT, matmulTN, type Rng } from '../linalg/index.ts';
import { ArgumentError, DataError } from '../errors.ts';
import type { RealData } from './realData.ts';

/** Pixels per MNIST image (28 × 28). */
export const mnistPixels = 784;

/** The digits of one class: `pixels` holds `count` images of 784 values in [0, 1], one after another. */
export interface MnistClass {
  readonly digit: number;
  readonly pixels: ArrayLike<number>;
}

/** Options of mnistData; every field states its default. */
export interface MnistOptions {
  /** Training samples (default 8000). */
  readonly train?: number;
  /** Test samples, disjoint from the training ones (default 2000). */
  readonly test?: number;
  /** Subtract the training mean of the pixels and of the one-hot targets (default true). */
  readonly center?: boolean;
  /**
   * Project the (centred) pixels onto the top-k principal components of the training set
   * (default 50; 0 keeps all 784 pixels). Pixels that are zero in every image make Σ_XX singular,
   * so without a projection the least-squares map is not unique and Theorem 2.4 does not apply.
   */
  readonly pca?: number;
}

/** Number of images in each class, checking that every class holds whole images. */
function classCounts(classes: readonly MnistClass[]): number[] {
  if (classes.length !== 10) throw new DataError(`MNIST needs the ten digit classes, got ${classes.length}`);
  return classes.map((c, k) => {
    if (c.digit !== k) throw new DataError(`MNIST class ${k} is labelled ${c.digit}`);
    if (c.pixels.length % mnistPixels !== 0 || c.pixels.length === 0) {
      throw new DataError(`MNIST digit ${k}: ${c.pixels.length} values is not a whole number of 784-pixel images`);
    }
    return c.pixels.length / mnistPixels;
  });
}

/** A uniformly random permutation of 0..n−1 (Fisher–Yates on dln's seeded generator). */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}

/** Row means of a (d×m, samples as columns). */
function rowMeans(a: Mat): Float64Array {
  const mean = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let j = 0; j < a.cols; j++) s += a.data[i * a.cols + j];
    mean[i] = s / a.cols;
  }
  return mean;
}

function subtractRows(a: Mat, mean: Float64Array): void {
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) a.data[i * a.cols + j] -= mean[i];
}

/**
 * The top-k principal directions of centred training pixels x (d×m): the eigenvectors of x xᵀ for
 * its k largest eigenvalues, as the columns of a d×k matrix (largest first), and those eigenvalues.
 */
function principalDirections(x: Mat, k: number): { basis: Mat; values: number[] } {
  const d = x.rows;
  const cov = matmulNT(zeros(d, d), x, x);
  const { values, vectors } = eigh(cov);
  const basis = zeros(d, k);
  const top: number[] = [];
  for (let c = 0; c < k; c++) {
    const src = d - 1 - c;
    top.push(values[src]);
    for (let i = 0; i < d; i++) basis.data[i * k + c] = vectors.data[i * d + src];
  }
  return { basis, values: top };
}

/**
 * MNIST as a deep-linear regression problem: a seeded split of the package's digits into train and
 * test sets, one-hot targets (d_y = 10), pixels optionally centred and projected onto the training
 * set's top principal components (the test set uses the training mean and directions).
 */
export function mnistData(classes: readonly MnistClass[], rng: Rng, options: MnistOptions = {}): RealData {
  const { train = 8000, test = 2000, center = true, pca = 50 } = options;
  const counts = classCounts(classes);
  const total = counts.reduce((a, b) => a + b, 0);
  if (!Number.isInteger(train) || train < 1) throw new ArgumentError(`MNIST: the training set needs a whole number of samples ≥ 1, got ${train}`);
  if (!Number.isInteger(test) || test < 0) throw new ArgumentError(`MNIST: the test set needs a whole number of samples ≥ 0, got ${test}`);
  if (train + test > total) throw new ArgumentError(`MNIST: ${train} training + ${test} test samples exceed the ${total} digits available`);
  if (!Number.isInteger(pca) || pca < 0 || pca > mnistPixels) throw new ArgumentError(`MNIST: --pca must be a whole number in 0..784, got ${pca}`);
  if (pca > train) throw new ArgumentError(`MNIST: ${pca} principal components need at least as many training samples, got ${train}`);
  const owner: { cls: number; index: number }[] = [];
  counts.forEach((n, cls) => { for (let index = 0; index < n; index++) owner.push({ cls, index }); });
  const order = permutation(total, rng);
  const take = (from: number, m: number): { x: Mat; y: Mat; labels: Int32Array } => {
    const x = zeros(mnistPixels, m), y = zeros(10, m), labels = new Int32Array(m);
    for (let j = 0; j < m; j++) {
      const { cls, index } = owner[order[from + j]];
      const px = classes[cls].pixels, base = index * mnistPixels;
      for (let i = 0; i < mnistPixels; i++) x.data[i * m + j] = px[base + i];
      y.data[cls * m + j] = 1;
      labels[j] = cls;
    }
    return { x, y, labels };
  };
  const tr = take(0, train), te = take(train, test);
  const xMean = center ? rowMeans(tr.x) : new Float64Array(mnistPixels);
  const yMean = center ? rowMeans(tr.y) : new Float64Array(10);
  if (center) { subtractRows(tr.x, xMean); subtractRows(te.x, xMean); subtractRows(tr.y, yMean); subtractRows(te.y, yMean); }
  let xTrain = tr.x, xTest = te.x, note = `all ${mnistPixels} pixels`;
  let explained: number[] | undefined;
  if (pca > 0) {
    const { basis, values } = principalDirections(tr.x, pca);
    xTrain = matmulTN(zeros(pca, train), basis, tr.x);
    xTest = matmulTN(zeros(pca, test), basis, te.x);
    explained = values;
    note = `pixels projected onto the training set's top ${pca} principal components (Σ_XX of the raw pixels is singular: some pixels are 0 in every image)`;
  }
  const describe = `mnist: ${train} training / ${test} test digits of the mnist package's 10,000, split by the seed; `
    + `one-hot targets${center ? ', pixels and targets centred on the training means' : ''}; ${note}`;
  return {
    name: 'mnist',
    train: { x: xTrain, y: tr.y },
    test: { x: xTest, y: te.y },
    trainLabels: tr.labels,
    testLabels: te.labels,
    describe,
    meta: {
      samples: { train, test, available: total }, center, pca,
      inputMean: Array.from(xMean), targetMean: Array.from(yMean),
      ...(explained ? { principalValues: explained } : {}),
    },
  };
}

/** Fraction of samples whose largest prediction (after adding back the target mean) is not the label. */
export function classificationError(prediction: Mat, labels: Int32Array, targetMean: readonly number[]): number {
  const m = prediction.cols;
  if (labels.length !== m) throw new RangeError(`classificationError: ${m} predictions but ${labels.length} labels`);
  if (m === 0) return Number.NaN;
  let wrong = 0;
  for (let j = 0; j < m; j++) {
    let best = 0, bestValue = -Infinity;
    for (let c = 0; c < prediction.rows; c++) {
      const v = prediction.data[c * m + j] + (targetMean[c] ?? 0);
      if (v > bestValue) { bestValue = v; best = c; }
    }
    if (best !== labels[j]) wrong++;
  }
  return wrong / m;
}
