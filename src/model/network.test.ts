import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zeros } from '../linalg/mat.ts';
import { ShapeError } from '../errors.ts';
import { assertFitsData, assertWeightsMatch, dimsOf, validateDims } from './network.ts';

const net = (dims: number[]) => dims.slice(1).map((d, j) => zeros(d, dims[j]));
const shape = (message: string | RegExp) => (e: unknown) => {
  assert.ok(e instanceof ShapeError && e instanceof RangeError, `a ShapeError (a RangeError), got ${String(e)}`);
  assert.equal(e.name, 'ShapeError');
  if (typeof message === 'string') assert.equal(e.message, message); else assert.match(e.message, message);
  return true;
};

test('assertFitsData returns the widths of a network that maps d_x → d_y, from its widths or its weights', () => {
  assert.deepEqual(assertFitsData([5, 4, 4, 3], 5, 3), [5, 4, 4, 3]);
  assert.deepEqual(assertFitsData(net([5, 4, 4, 3]), 5, 3), [5, 4, 4, 3]);
});

test('assertFitsData names the end that does not fit, or both', () => {
  assert.throws(() => assertFitsData([4, 4, 3], 5, 3, '--dims'), shape('--dims starts with 4, but X has 5 features'));
  assert.throws(() => assertFitsData([5, 4, 2], 5, 3, '--dims'), shape('--dims ends with 2, but Y has 3 features'));
  assert.throws(() => assertFitsData(net([3, 2, 2]), 4, 3, 'W.npz'), shape('W.npz (widths 3,2,2) maps 3 → 2 features, but the data have 4 → 3'));
  assert.throws(() => assertFitsData(net([4, 5]), 5, 5), shape('the network of widths 4,5 starts with 4, but X has 5 features'));
});

test('assertFitsData rejects widths that are not a network and weights that do not chain', () => {
  assert.throws(() => assertFitsData([5], 5, 5), shape(/at least two widths/));
  assert.throws(() => assertFitsData([5, 0, 3], 5, 3), shape(/positive integer, got 0/));
  assert.throws(() => assertFitsData([zeros(4, 5), zeros(3, 3)], 5, 3), shape('W2 has 3 columns but W1 has 4 rows'));
  assert.throws(() => assertFitsData([], 5, 3), shape(/at least two widths/));
});

test('assertWeightsMatch names the layer whose shape differs from the widths, and a wrong count', () => {
  assert.doesNotThrow(() => assertWeightsMatch(net([3, 4, 2]), [3, 4, 2]));
  assert.throws(() => assertWeightsMatch(net([3, 4, 2, 2]), [3, 4, 2], 'W.npz'), shape('W.npz: 3 weight matrices, but widths 3,4,2 need 2'));
  assert.throws(() => assertWeightsMatch([zeros(4, 3), zeros(3, 4)], [3, 4, 2]), shape('the weights: W2 has shape 3×4, but widths 3,4,2 need 2×4'));
});

test('validateDims and dimsOf throw the same ShapeError', () => {
  assert.throws(() => validateDims([2.5, 3]), shape(/positive integer, got 2.5/));
  assert.throws(() => dimsOf([]), shape('a network needs at least one weight matrix'));
  assert.deepEqual(dimsOf(net([2, 3, 1])), [2, 3, 1]);
});
