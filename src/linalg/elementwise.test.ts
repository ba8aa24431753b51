import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRows, toRows, zeros } from './mat.ts';
import { add, axpy, dot, maxAbsDiff, scale, sub, sumSquares, sumSquaresLoop, trace } from './elementwise.ts';

const a = () => fromRows([[1, 2, 3], [4, 5, 6]]);
const b = () => fromRows([[0.5, -1, 2], [0, 3, -4]]);

test('add, sub, scale, axpy, dot, trace and maxAbsDiff compute their formulas (exact on small values)', () => {
  assert.deepEqual(toRows(add(zeros(2, 3), a(), b())), [[1.5, 1, 5], [4, 8, 2]]);
  assert.deepEqual(toRows(sub(zeros(2, 3), a(), b())), [[0.5, 3, 1], [4, 2, 10]]);
  assert.deepEqual(toRows(scale(zeros(2, 3), a(), -2)), [[-2, -4, -6], [-8, -10, -12]]);
  assert.deepEqual(toRows(axpy(a(), 2, b())), [[2, 0, 7], [4, 11, -2]]);
  assert.equal(dot(a(), b()), 0.5 - 2 + 6 + 0 + 15 - 24);
  assert.equal(trace(a()), 6, 'the leading square part of a rectangular matrix');
  assert.equal(trace(fromRows([[2, 9], [9, -5]])), -3);
  assert.equal(maxAbsDiff(a(), b()), 10);
});

test('out may alias an operand, as documented: add and sub in either place, scale in place, axpy updates y', () => {
  const x = a();
  assert.equal(add(x, x, b()), x);
  assert.deepEqual(toRows(x), [[1.5, 1, 5], [4, 8, 2]]);
  const y = b();
  assert.equal(sub(y, a(), y), y);
  assert.deepEqual(toRows(y), [[0.5, 3, 1], [4, 2, 10]]);
  const z = a();
  assert.deepEqual(toRows(add(z, z, z)), [[2, 4, 6], [8, 10, 12]], 'out = a = b');
  assert.deepEqual(toRows(scale(z, z, 0.5)), [[1, 2, 3], [4, 5, 6]]);
  const w = a();
  assert.deepEqual(toRows(axpy(w, -1, w)), [[0, 0, 0], [0, 0, 0]], 'x = y: y + s·y');
});

test('every binary operation names the shapes that differ', () => {
  const wide = zeros(2, 4);
  assert.throws(() => add(zeros(2, 3), a(), wide), { name: 'RangeError', message: 'add: shapes 2×3 and 2×4 differ' });
  assert.throws(() => add(wide, a(), b()), { message: 'add: shapes 2×4 and 2×3 differ' });
  assert.throws(() => sub(zeros(2, 3), wide, a()), { message: 'sub: shapes 2×4 and 2×3 differ' });
  assert.throws(() => scale(wide, a(), 2), { message: 'scale: shapes 2×4 and 2×3 differ' });
  assert.throws(() => axpy(a(), 1, wide), { message: 'axpy: shapes 2×3 and 2×4 differ' });
  assert.throws(() => dot(a(), zeros(3, 2)), { message: 'dot: shapes 2×3 and 3×2 differ' });
  assert.throws(() => maxAbsDiff(a(), wide), { message: 'maxAbsDiff: shapes 2×3 and 2×4 differ' });
});

test('non-finite values propagate instead of disappearing', () => {
  const n = fromRows([[Number.NaN, 1]]), i = fromRows([[Number.POSITIVE_INFINITY, 0]]);
  assert.ok(Number.isNaN(dot(n, fromRows([[1, 1]]))));
  assert.ok(Number.isNaN(maxAbsDiff(n, fromRows([[0, 1]]))), 'a NaN difference is not a difference of 0');
  assert.equal(add(zeros(1, 2), i, fromRows([[1, 1]])).data[0], Number.POSITIVE_INFINITY);
});

test('sumSquaresLoop: eight partial sums in the documented order, accurate to a few ulps of the sum', () => {
  // x₀² = 2⁵⁴ (its ulp is 4) and seven ones: one running sum rounds every + 1 away; the documented
  // grouping gives ((2⁵⁴ + 1) + (1 + 1)) + ((1 + 1) + (1 + 1)) = (2⁵⁴ + 2) + 4, a tie to even: 2⁵⁴ + 4.
  const big = 2 ** 27;
  assert.equal(sumSquaresLoop(Float64Array.of(big, 1, 1, 1, 1, 1, 1, 1)), 2 ** 54 + 4);
  // The entries past the last multiple of eight go to s₀, one by one (summed apart they would give 2⁵⁴ + 4).
  assert.equal(sumSquaresLoop(Float64Array.of(big, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1)), 2 ** 54);
  // Below eight entries it is the running sum, bit for bit.
  const short = Float64Array.of(0.1, -0.7, 3e-9, 12.5, -0);
  let run = 0;
  for (const v of short) run += v * v;
  assert.ok(Object.is(sumSquaresLoop(short), run));
  assert.ok(Object.is(sumSquaresLoop(new Float64Array(0)), 0));
  // Against an exact sum of the exactly rounded squares (BigInt over a common power of two): the error
  // bound of summation, (n/8 + 3)·ε·Σ, not a bit more.
  let seed = 3;
  const next = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 - 0.5; };
  for (const n of [9, 100, 1003, 100000]) {
    const x = new Float64Array(n).map(() => next() * 2 ** Math.round(next() * 20));
    const got = sumSquaresLoop(x);
    let exact = 0n;
    for (const v of x) exact += BigInt(Math.round(v * v * 2 ** 80));
    const want = Number(exact) / 2 ** 80;
    assert.ok(Math.abs(got - want) <= (n / 8 + 3) * Number.EPSILON * want, `n = ${n}: ${got} vs ${want}`);
    assert.ok(Object.is(sumSquares(x), got), 'sumSquares on the selected backend: the same bits');
  }
  assert.ok(Number.isNaN(sumSquaresLoop(Float64Array.of(1, Number.NaN))));
  assert.equal(sumSquaresLoop(Float64Array.of(1e200, 1e200)), Infinity);
});
