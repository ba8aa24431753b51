import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downsampleMinMax } from './downsampleMinMax.ts';

function noisy(n: number): { x: number[]; y: number[] } {
  const x = Array.from({ length: n }, (_, i) => i + 1);
  const y = x.map((k) => Math.exp(-k / 3000) + 0.01 * Math.sin(k * 12.9898));
  return { x, y };
}

test('downsampleMinMax keeps every point when n <= maxPoints', () => {
  const { x, y } = noisy(50);
  const d = downsampleMinMax(x, y, 50);
  assert.deepEqual(d, { x, y });
});

test('downsampleMinMax keeps at most maxPoints, the first and last points, and the global extrema', () => {
  const { x, y } = noisy(20000);
  y[7777] = 5;
  y[12345] = -5;
  const d = downsampleMinMax(x, y, 2000);
  assert.ok(d.x.length <= 2000 && d.x.length > 1000, `kept ${d.x.length}`);
  assert.equal(d.x[0], 1);
  assert.equal(d.x[d.x.length - 1], 20000);
  assert.ok(d.y.includes(5) && d.y.includes(-5));
  for (let i = 1; i < d.x.length; i++) assert.ok(d.x[i] > d.x[i - 1], 'order kept');
  d.x.forEach((xi, i) => assert.equal(d.y[i], y[xi - 1], 'pairs kept together'));
});

test('downsampleMinMax on a log x axis keeps the early steps that a log axis spreads out', () => {
  const { x, y } = noisy(20000);
  const d = downsampleMinMax(x, y, 2000, true);
  for (let k = 1; k <= 20; k++) assert.ok(d.x.includes(k), `step ${k} kept`);
  const linear = downsampleMinMax(x, y, 2000, false);
  assert.ok(linear.x.filter((k) => k <= 20).length < 10, 'equal-width linear buckets merge early steps');
});

test('downsampleMinMax buckets by index when x is not monotone', () => {
  const n = 10000;
  const x = Array.from({ length: n }, (_, i) => Math.cos(i / 100));
  const y = Array.from({ length: n }, (_, i) => Math.sin(i / 100));
  const d = downsampleMinMax(x, y, 500);
  assert.ok(d.x.length <= 500 && d.x.length > 200);
});

test('downsampleMinMax rejects mismatched lengths and tiny budgets', () => {
  assert.throws(() => downsampleMinMax([1, 2], [1], 10), /x has 2 points, y has 1/);
  assert.throws(() => downsampleMinMax([1, 2], [1, 2], 2), /maxPoints/);
});
