import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matrixFromSamples, checkPair, assertFinite } from './validate.ts';
import { fromRows, toRows, zeros } from '../linalg/mat.ts';

test('matrixFromSamples returns the transpose: samples become columns (THEORY §1.3)', () => {
  const x = matrixFromSamples(fromRows([[1, 2, 3], [4, 5, 6]]), 'X.csv');
  assert.deepEqual(toRows(x), [[1, 4], [2, 5], [3, 6]]);
});

test('matrixFromSamples names the first non-finite value by 1-based row and column', () => {
  const nan = fromRows([[1, 2], [3, 4], [5, Number.NaN]]);
  assert.throws(() => matrixFromSamples(nan, 'X.npy'), { name: 'DataError', message: 'X.npy: value at row 3, column 2 is NaN' });
  const inf = fromRows([[1, Number.POSITIVE_INFINITY], [Number.NEGATIVE_INFINITY, 4]]);
  assert.throws(() => matrixFromSamples(inf, 'Y.csv'), { message: 'Y.csv: value at row 1, column 2 is inf' });
  assert.throws(() => assertFinite(fromRows([[0], [Number.NEGATIVE_INFINITY]]), 'W1'), { message: 'W1: value at row 2, column 1 is -inf' });
  assert.doesNotThrow(() => assertFinite(fromRows([[Number.MAX_VALUE, -5e-324]]), 'W1'));
});

test('matrixFromSamples rejects a file without samples or without features', () => {
  assert.throws(() => matrixFromSamples(zeros(0, 3), 'X.npy'), { name: 'DataError', message: 'X.npy: no samples (0 rows)' });
  assert.throws(() => matrixFromSamples(zeros(4, 0), 'X.npy'), { name: 'DataError', message: 'X.npy: no features (0 columns)' });
});

test('checkPair rejects X and Y with different sample counts', () => {
  assert.throws(() => checkPair(zeros(5, 1000), zeros(3, 999)), { name: 'DataError', message: 'X has 1000 samples but Y has 999' });
  assert.doesNotThrow(() => checkPair(zeros(5, 10), zeros(3, 10)));
});
