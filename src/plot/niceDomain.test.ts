import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axisFraction, niceDomain, tickFormat } from './niceDomain.ts';

test('niceDomain(log) contains the data and ends at 1, 2 or 5 times a power of ten', () => {
  for (const [lo, hi] of [[0.525, 27.5], [1.2e-7, 9.7e-5], [0.0121, 0.0138], [3, 3]]) {
    const [a, b] = niceDomain(lo, hi, true);
    assert.ok(a <= lo && b >= hi && a < b, `[${a}, ${b}] ⊇ [${lo}, ${hi}]`);
    for (const v of [a, b]) {
      const m = v / 10 ** Math.floor(Math.log10(v) + 1e-12);
      assert.ok([1, 2, 5].some((k) => Math.abs(m - k) < 1e-9), `${v} is 1, 2 or 5 × 10^k`);
    }
  }
});

test('niceDomain(linear) contains the data and ends on multiples of a 1-2-5 step', () => {
  assert.deepEqual(niceDomain(0, 63, false), [0, 80]);
  assert.deepEqual(niceDomain(0, 63, false, 8), [0, 70]);
  const [a, b] = niceDomain(-0.37, 1.21, false);
  assert.ok(a <= -0.37 && b >= 1.21 && b - a < 2.5);
  assert.throws(() => niceDomain(0, 1, true), /log axis needs lo > 0/);
  assert.throws(() => niceDomain(NaN, 1, false), /finite/);
});

test('axisFraction is 0 and 1 at the ends and 1/2 at the geometric mean on a log axis', () => {
  assert.equal(axisFraction(1e-3, [1e-3, 1e-1], true), 0);
  assert.ok(Math.abs(axisFraction(1e-2, [1e-3, 1e-1], true) - 0.5) < 1e-12);
  assert.equal(axisFraction(5, [0, 10], false), 0.5);
});

test('tickFormat uses exponent notation for only tiny or huge numbers', () => {
  assert.equal(tickFormat([1e-7, 1e-4], true), '~e');
  assert.equal(tickFormat([0, 2e6], false), '~e');
  assert.equal(tickFormat([0.5, 30], true), '~g');
  assert.equal(tickFormat([0, 20000], false), undefined);
});
