import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loglogFit } from './loglogFit.ts';

test('loglogFit recovers y = 3·x^1.5 exactly and ignores non-positive pairs', () => {
  const x = [0, 1e-4, 1e-3, 1e-2, 1e-1, 1, -2];
  const y = x.map((v) => (v > 0 ? 3 * v ** 1.5 : 7));
  const f = loglogFit(x, y);
  assert.ok(Math.abs(f.slope - 1.5) < 1e-12 && Math.abs(f.coefficient / 3 - 1) < 1e-12);
  assert.equal(f.points, 5);
});

test('loglogFit with a fixed slope fits only the coefficient (geometric mean of y / x^p)', () => {
  const f = loglogFit([1, 2, 4], [2, 8, 8], 1);
  assert.equal(f.slope, 1);
  assert.ok(Math.abs(f.coefficient - Math.cbrt(2 * 4 * 2)) < 1e-12);
});

test('loglogFit rejects too few usable pairs and a constant x', () => {
  assert.throws(() => loglogFit([1], [1]), /need 2 pairs/);
  assert.throws(() => loglogFit([2, 2], [1, 3]), /all x are equal/);
  assert.throws(() => loglogFit([0], [1], 1), /no pair/);
});
