import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Rng, zeros, matmul, frobenius, sub, statsFromData, trainGD, constantSchedule, mnistData, loadRealData, tableData,
  classificationError, carsSpec, type MnistClass, type TableSpec,
} from '../../src/index.ts';
import { useBackend } from '../../src/linalg/backends/selectBackend.ts';
import { packageRealData } from '../../src/node/realDataFiles.ts';
import { runNumpy } from '../helpers/numpy.ts';

await useBackend();
const classes: readonly MnistClass[] = packageRealData.mnistClasses();

/** Row means of a d×m matrix. */
function rowMeans(a: { rows: number; cols: number; data: Float64Array }): number[] {
  return Array.from({ length: a.rows }, (_, i) => a.data.subarray(i * a.cols, (i + 1) * a.cols).reduce((s, v) => s + v, 0) / a.cols);
}

test('the mnist package holds 10,000 digits of 784 pixels in [0, 1], about a thousand per class', () => {
  const counts = classes.map((c) => c.pixels.length / 784);
  assert.equal(counts.reduce((a, b) => a + b, 0), 10000);
  for (const n of counts) assert.ok(Number.isInteger(n) && n > 800 && n < 1200, `class size ${n}`);
  for (const c of classes) for (let i = 0; i < c.pixels.length; i += 997) assert.ok(c.pixels[i] >= 0 && c.pixels[i] <= 1);
});

test('mnistData splits by the seed alone: same seed, same bits; another seed, another split; no Math.random', () => {
  const random = Math.random;
  Math.random = () => { throw new Error('Math.random was called'); };
  try {
    const opts = { train: 300, test: 100, pca: 0, center: false };
    const a = mnistData(classes, new Rng(7), opts), b = mnistData(classes, new Rng(7), opts), c = mnistData(classes, new Rng(8), opts);
    assert.deepEqual(a.train.x.data, b.train.x.data);
    assert.deepEqual(a.test!.y.data, b.test!.y.data);
    assert.notDeepEqual(a.train.x.data, c.train.x.data);
  } finally {
    Math.random = random;
  }
});

test('mnistData: train and test are disjoint, targets are one-hot rows of the labels', () => {
  const d = mnistData(classes, new Rng(3), { train: 2000, test: 500, pca: 0, center: false });
  const key = (x: { rows: number; cols: number; data: Float64Array }, j: number): string => {
    let s = '';
    for (let i = 0; i < x.rows; i++) s += `${x.data[i * x.cols + j]},`;
    return s;
  };
  const seen = new Set<string>();
  for (let j = 0; j < d.train.x.cols; j++) seen.add(key(d.train.x, j));
  let shared = 0;
  for (let j = 0; j < d.test!.x.cols; j++) if (seen.has(key(d.test!.x, j))) shared++;
  assert.equal(shared, 0);
  const y = d.train.y, m = y.cols;
  for (let j = 0; j < m; j++) {
    for (let c = 0; c < 10; c++) assert.equal(y.data[c * m + j], c === d.trainLabels![j] ? 1 : 0);
  }
  const perClass = new Array(10).fill(0);
  for (const l of d.trainLabels!) perClass[l]++;
  for (const n of perClass) assert.ok(n > 120 && n < 280, `class share ${n} of 2000`);
});

test('mnistData centres on the training means and projects onto orthogonal principal directions', () => {
  const d = mnistData(classes, new Rng(1), { train: 1500, test: 300, pca: 30 });
  for (const v of rowMeans(d.train.x)) assert.ok(Math.abs(v) < 1e-12, `input mean ${v}`);
  for (const v of rowMeans(d.train.y)) assert.ok(Math.abs(v) < 1e-15, `target mean ${v}`);
  const stats = statsFromData(d.train);
  const pv = d.meta.principalValues as number[];
  // In the principal basis Σ_XX is diagonal, with the principal values in descending order.
  for (let i = 0; i < 30; i++) {
    for (let j = 0; j < 30; j++) {
      const want = i === j ? pv[i] : 0;
      assert.ok(Math.abs(stats.sxx.data[i * 30 + j] - want) <= 1e-10 * pv[0], `Σ_XX(${i},${j}) = ${stats.sxx.data[i * 30 + j]}`);
    }
    if (i > 0) assert.ok(pv[i] <= pv[i - 1]);
  }
  assert.equal(stats.rankXX, 30);
});

test('on MNIST a depth-1 network trained by GD reaches the closed-form least-squares map to 1e-8, and numpy lstsq agrees', () => {
  const d = loadRealData('mnist', packageRealData, new Rng(1));
  const stats = statsFromData(d.train);
  const pv = d.meta.principalValues as number[];
  const eta = 2 / (pv[0] + pv[pv.length - 1]);
  const w = [zeros(10, 50)];
  const run = trainGD(stats, w, { schedule: constantSchedule(eta), maxSteps: 1500, recordEvery: 1500 });
  const rel = frobenius(sub(zeros(10, 50), run.weights[0], stats.ols)) / frobenius(stats.ols);
  assert.ok(rel <= 1e-8, `GD vs closed form: relative ${rel}`);
  const np = runNumpy(`
X = np.array(data['x']).reshape(${d.train.x.rows}, -1); Y = np.array(data['y']).reshape(${d.train.y.rows}, -1)
W = np.linalg.lstsq(X.T, Y.T, rcond=None)[0].T
emit(W.ravel().tolist())`, { x: Array.from(d.train.x.data), y: Array.from(d.train.y.data) }) as number[] | null;
  if (np === null) return;
  let num = 0, den = 0;
  for (let k = 0; k < np.length; k++) { num += (np[k] - stats.ols.data[k]) ** 2; den += np[k] ** 2; }
  assert.ok(Math.sqrt(num / den) <= 1e-10, `closed form vs numpy lstsq: ${Math.sqrt(num / den)}`);
  const err = classificationError(matmul(zeros(10, d.test!.x.cols), stats.ols, d.test!.x), d.testLabels!, d.meta.targetMean as number[]);
  assert.ok(err > 0.1 && err < 0.2, `least-squares test error ${err}`);
});

test('mnistData refuses impossible splits and projections with one clear line', () => {
  assert.throws(() => mnistData(classes, new Rng(1), { train: 9000, test: 2000 }), /9000 training \+ 2000 test samples exceed the 10000 digits/);
  assert.throws(() => mnistData(classes, new Rng(1), { pca: 800 }), /--pca must be a whole number in 0\.\.784/);
  assert.throws(() => mnistData(classes.slice(0, 9), new Rng(1)), /ten digit classes/);
  assert.throws(() => mnistData([...classes.slice(0, 9), { digit: 9, pixels: [0, 1] }], new Rng(1)), /not a whole number of 784-pixel images/);
});

const spec: TableSpec = {
  inputs: [{ field: 'a', kind: 'number' }, { field: 'kind', kind: 'category', levels: ['p', 'q', 'r'] }],
  outputs: [{ field: 'b', kind: 'number' }],
};

test('tableData drops and counts incomplete records, codes categories against the first level and standardises every column', () => {
  const records = [
    { a: 1, kind: 'p', b: 10 }, { a: 2, kind: 'q', b: 20 }, { a: null, kind: 'q', b: 5 },
    { a: 4, kind: 'r', b: 40 }, { a: 5, kind: 'q' }, { a: 6, kind: 'p', b: 70 },
  ];
  const d = tableData(records, spec, 'cars', 'test.json');
  assert.equal(d.meta.dropped, 2);
  assert.equal(d.meta.kept, 4);
  assert.deepEqual(d.features, { x: ['a', 'kind=q', 'kind=r'], y: ['b'] });
  const means = d.meta.inputMeans as number[], scales = d.meta.inputScales as number[];
  assert.deepEqual(means, [13 / 4, 1 / 4, 1 / 4]);
  // Mapping back recovers the raw values: a = scale·x + mean.
  const raw = [1, 2, 4, 6];
  raw.forEach((v, j) => assert.ok(Math.abs(scales[0] * d.train.x.data[j] + means[0] - v) < 1e-14));
  for (const m of rowMeans(d.train.x)) assert.ok(Math.abs(m) < 1e-15);
  const x = d.train.x;
  for (let i = 0; i < x.rows; i++) {
    const ss = x.data.subarray(i * 4, i * 4 + 4).reduce((s, v) => s + v * v, 0) / 4;
    assert.ok(Math.abs(ss - 1) < 1e-14, `row ${i} variance ${ss}`);
  }
});

test('tableData names the record and field of a malformed value', () => {
  assert.throws(() => tableData([{ a: 'x', kind: 'p', b: 1 }], spec, 'cars', 't.json'), /^DataError: t\.json, record 1: field "a" is "x", not a number$/);
  assert.throws(() => tableData([{ a: 1, kind: 's', b: 1 }], spec, 'cars', 't.json'), /field "kind" is "s", not one of p, q, r/);
  assert.throws(() => tableData({ a: 1 }, spec, 'cars', 't.json'), /expected a JSON array of records/);
  assert.throws(() => tableData([{ a: 1, kind: 'p', b: 1 }, { a: 1, kind: 'q', b: 2 }, { a: 1, kind: 'r', b: 2 }], spec, 'cars', 't.json'), /column "a" is constant/);
});

test('cars and penguins from vega-datasets: complete records kept, the rest counted', () => {
  const cars = loadRealData('cars', packageRealData, new Rng(1));
  assert.equal(cars.meta.kept, 392);
  assert.equal(cars.meta.dropped, 14);
  assert.equal(cars.train.x.rows, 5);
  assert.equal(cars.train.y.rows, 4);
  assert.deepEqual(cars.features!.y, carsSpec.outputs.map((c) => c.field));
  const penguins = loadRealData('penguins', packageRealData, new Rng(1));
  assert.equal(penguins.meta.kept, 342);
  assert.equal(penguins.meta.dropped, 2);
  assert.equal(statsFromData(penguins.train).rankXX, 4);
});
