// The playground's axis ticks: bounded for every range uPlot may hand over (its own loop never ended
// on a range rounded to one value, or with an infinite end), and the usual ticks on ordinary ranges.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TICKS, decadeSplits, linearLabel, linearSplits, logLabel } from '../../src/playground/ticks.ts';

describe('linear ticks', () => {
  test('ordinary ranges get the multiples of the increment, in their short decimal form', () => {
    assert.deepEqual(linearSplits(0, 92, 20), [0, 20, 40, 60, 80]);
    assert.deepEqual(linearSplits(-0.25, 0.35, 0.1), [-0.2, -0.1, 0, 0.1, 0.2, 0.3]);
    assert.deepEqual(linearSplits(2.8e-16, 7e-16, 1e-16), [3e-16, 4e-16, 5e-16, 6e-16, 7e-16]);
    assert.deepEqual(linearSplits(0, 1e9, 2e8), [0, 2e8, 4e8, 6e8, 8e8, 1e9]);
    assert.ok(!linearSplits(-1, 1, 0.5).some((v) => Object.is(v, -0)), 'no −0 tick');
  });

  test('a range rounded to one value, an increment below its rounding, and non-finite ends stay bounded', () => {
    // The sharpness chart of PGD from the origin after 93 steps: uPlot's range [1, 1], its increment 1e-16.
    assert.deepEqual(linearSplits(1, 1, 1e-16), [1]);
    // An increment far below the range's spacing of doubles: the loop k·incr would run 1e7 times.
    assert.deepEqual(linearSplits(0.9999999988, 1, 1e-16), []);
    assert.deepEqual(linearSplits(1e20, 1e20 + 65536, 1), []);
    for (const [lo, hi, incr] of [[0, Infinity, 1], [-Infinity, 0, 1], [Number.NaN, 1, 0.1], [0, 1, 0], [0, 1, Number.NaN], [0, 1, -0.1], [1, 0, 0.1], [0, 1e300, 1e-300]]) {
      const t = linearSplits(lo, hi, incr);
      assert.ok(t.length <= 1 && t.every(Number.isFinite), `${lo} … ${hi} by ${incr}: ${t.length} ticks`);
    }
    assert.ok(linearSplits(0, MAX_TICKS - 1, 1).length === MAX_TICKS && linearSplits(0, MAX_TICKS, 1).length === 0);
  });
});

describe('log ticks', () => {
  test('powers of ten inside the range, at most about six', () => {
    assert.deepEqual(decadeSplits(0.05, 2000), [0.1, 1, 10, 100, 1000]);
    const wide = decadeSplits(1e-31, 1e3);
    assert.ok(wide.length >= 4 && wide.length <= 7 && wide.every((v) => Number.isInteger(Math.log10(v))), String(wide));
  });

  test('less than two decades: 1, 2 and 5 times powers of ten', () => {
    // The loss of PGD from the origin over its first steps: 0.083 … 0.94.
    assert.deepEqual(decadeSplits(0.08333333333333333, 0.9375000000000003), [0.1, 0.2, 0.5]);
    assert.deepEqual(decadeSplits(3, 90), [5, 10, 20, 50]);
    assert.deepEqual(decadeSplits(3, 400), [10, 100], 'two powers of ten inside: those');
    assert.deepEqual(decadeSplits(2.1, 4.9), [2.1, 4.9], 'none of them inside: the ends');
  });

  test('an axis without two positive finite ends gets none', () => {
    for (const [lo, hi] of [[1, Infinity], [0, 1], [-1, 1], [1, 1], [2, 1], [Number.NaN, 1]]) assert.deepEqual(decadeSplits(lo, hi), []);
  });
});

describe('tick labels', () => {
  test('small and huge linear values in exponent form, others with four digits', () => {
    assert.deepEqual([1e-4, 0, 1234.5678, 5e7, -2.5e-5, null].map(linearLabel), ['1.0e-4', '0', '1,235', '5.0e7', '-2.5e-5', '']);
  });
  test('log labels: 1eN from a thousand and below a thousandth', () => {
    assert.deepEqual([1e-31, 0.01, 1, 100, 1000, 0, null].map(logLabel), ['1e-31', '0.01', '1', '100', '1e3', '', '']);
  });
});
