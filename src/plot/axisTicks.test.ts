import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axisTicks, powerOfTen } from './axisTicks.ts';

test('powerOfTen writes 10 with a superscript exponent and a 1-2-5 mantissa', () => {
  assert.equal(powerOfTen(1e-7), '10⁻⁷');
  assert.equal(powerOfTen(1), '10⁰');
  assert.equal(powerOfTen(1e12), '10¹²');
  assert.equal(powerOfTen(5e-5), '5·10⁻⁵');
  assert.equal(powerOfTen(2e-30), '2·10⁻³⁰');
});

test('axisTicks keeps plain labels on a log axis within [10⁻³, 10⁵) and powers of ten beyond it', () => {
  assert.deepEqual(axisTicks([0.005, 0.1], true), { values: [0.005, 0.01, 0.02, 0.05, 0.1], format: '~g' });
  const wide = axisTicks([1e-7, 1], true);
  assert.deepEqual(wide.values, [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1]);
  assert.equal(wide.format, undefined);
  assert.ok(wide.labelExpr?.includes("'10⁻⁷'") && wide.labelExpr.includes("'10⁰'"), wide.labelExpr);
  assert.deepEqual(axisTicks([0, 20000], false), {});
  assert.deepEqual(axisTicks([0, 2e6], false), { format: '~e' });
});
